import CBLAS
import Dispatch
import Foundation

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

    /// Splits 0..<count into at most `limit` contiguous ranges of nearly equal size whose
    /// bounds are multiples of `alignment` (except the end). The split depends only on the
    /// arguments, so results are reproducible.
    public static func shards(_ count: Int, limit: Int = threads, minimum: Int = minimumShardRows, alignment: Int = 1) -> [Range<Int>] {
        let parts = max(1, min(limit, count / max(minimum, 1)))
        guard parts > 1 else { return [0..<count] }
        let per = (count + parts - 1) / parts
        let step = (per + alignment - 1) / alignment * alignment
        return (0..<parts).compactMap { i in
            let lo = min(count, i * step), hi = min(count, lo + step)
            return lo < hi ? lo..<hi : nil
        }
    }

    /// Runs `body(index, range)` for every shard, concurrently when there are several.
    public static func forEachShard(_ shards: [Range<Int>], _ body: (Int, Range<Int>) -> Void) {
        if shards.count == 1 {
            body(0, shards[0])
            return
        }
        // concurrentPerform wants a @Sendable closure; the shards it hands out are disjoint.
        withoutActuallyEscaping(body) { escapable in
            let work = UnsafeSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: shards.count) { i in work.value(i, shards[i]) }
        }
    }
}
