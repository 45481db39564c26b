import CBLAS
import Dispatch
import Foundation
import Synchronization

/// A raw pointer carried into a concurrent loop; the loops split their output so that no
/// two iterations write the same memory.
public struct UnsafeSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

/// Parallelism by shards of rows: a batch is cut into one contiguous block of rows per
/// thread and each block runs the whole computation on its own, with single-threaded
/// OpenBLAS. Measured here, this scales far better on 2 cores than threading each
/// product inside OpenBLAS, whose idle threads spin in sched_yield between the many small
/// products of a step.
public enum Parallel {
    /// Worker count; VAEDYN_THREADS overrides the core count.
    public static let threads: Int = {
        openblas_set_num_threads(1)
        if let s = ProcessInfo.processInfo.environment["VAEDYN_THREADS"], let n = Int(s), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Rows per shard below which a second thread costs more than it gains.
    public static let minimumShardRows = 8

    /// Splits 0..<count into at most `limit` contiguous ranges of nearly equal size. The
    /// split depends only on the arguments, so results are reproducible.
    public static func shards(_ count: Int, limit: Int = threads, minimum: Int = minimumShardRows) -> [Range<Int>] {
        let parts = max(1, min(limit, count / max(minimum, 1)))
        guard parts > 1 else { return [0..<count] }
        let step = (count + parts - 1) / parts
        return (0..<parts).compactMap { i in
            let lo = min(count, i * step), hi = min(count, lo + step)
            return lo < hi ? lo..<hi : nil
        }
    }

    /// Runs `body(index, range)` for every shard, concurrently when there are several and
    /// `workers` allows (one runs them in turn on the calling thread).
    public static func forEachShard(_ shards: [Range<Int>], workers: Int = threads, _ body: (Int, Range<Int>) -> Void) {
        if shards.count == 1 || workers <= 1 {
            for (i, range) in shards.enumerated() { body(i, range) }
            return
        }
        // concurrentPerform wants a @Sendable closure; the shards it hands out are disjoint.
        withoutActuallyEscaping(body) { escapable in
            let work = UnsafeSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: shards.count) { i in work.value(i, shards[i]) }
        }
    }

    /// Runs `body(worker, item)` for items 0..<count, each claimed by whichever of the
    /// workers is free (the items may differ in cost). `worker` < `workers` names the
    /// thread, so that each can own a scratch buffer.
    public static func forEachClaimed(_ count: Int, workers: Int = threads, _ body: (Int, Int) -> Void) {
        let n = max(1, min(workers, count))
        if n == 1 {
            for i in 0..<count { body(0, i) }
            return
        }
        let next = ClaimCounter()
        withoutActuallyEscaping(body) { escapable in
            let work = UnsafeSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: n) { worker in
                while true {
                    let i = next.claim()
                    guard i < count else { return }
                    work.value(worker, i)
                }
            }
        }
    }
}

private final class ClaimCounter: Sendable {
    private let next = Atomic<Int>(0)
    func claim() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
