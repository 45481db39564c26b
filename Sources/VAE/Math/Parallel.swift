import Dispatch
import Foundation

/// A raw pointer carried into a concurrent loop; the loops split their output so that no
/// two iterations write the same memory.
public struct UnsafeSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

public enum Parallel {
    /// Worker count for the hand-written kernels; matches the OpenBLAS thread count.
    public static let threads: Int = {
        if let s = ProcessInfo.processInfo.environment["VAEDYN_THREADS"], let n = Int(s), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body` over contiguous chunks of 0..<count, one chunk per thread; chunk bounds
    /// are multiples of `alignment` (except the end). The split depends only on `count`
    /// and the thread count, so results are reproducible.
    public static func forEachChunk(_ count: Int, alignment: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, max(1, count / max(alignment, 1)))
        if parts <= 1 {
            body(0..<count)
            return
        }
        let per = (count + parts - 1) / parts
        let step = (per + alignment - 1) / alignment * alignment
        // concurrentPerform wants a @Sendable closure; the chunks it hands out are disjoint.
        withoutActuallyEscaping(body) { escapable in
            let work = UnsafeSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { i in
                let lo = min(count, i * step), hi = min(count, lo + step)
                if lo < hi { work.value(lo..<hi) }
            }
        }
    }
}
