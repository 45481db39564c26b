import Foundation
#if canImport(Glibc)
import CThreadName
#endif

/// The threads streaming producers run on: at most `size`, made when work arrives and none
/// is idle, ended after `idleTimeout` without work. A producer waiting for a thread is a
/// closure in a queue, in arrival order, and holds no thread.
///
/// Threads of their own rather than Dispatch's: producers are long compute loops that
/// block in `flush`, which must starve neither Dispatch's pool nor the cooperative one.
package final class ProducerPool: @unchecked Sendable {
    package let size: Int
    private let idleTimeout: Duration
    private let name: String
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var next = 0
    private var threads = 0
    private var idle = 0

    package init(size: Int, idleTimeout: Duration = .seconds(30), name: String = "http-stream") {
        precondition(size >= 1, "a pool needs a thread")
        self.size = size
        self.idleTimeout = idleTimeout
        self.name = name
    }

    /// Threads alive now, busy or idle.
    package var threadCount: Int { condition.withLock { threads } }

    /// Threads waiting for a job.
    package var idleCount: Int { condition.withLock { idle } }

    /// Jobs waiting for a thread.
    package var queuedCount: Int { condition.withLock { queue.count - next } }

    /// Runs `job` on a pool thread: an idle one, a new one while there are fewer than
    /// `size`, or the first to come free.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        let spawn = condition.withLock { () -> Bool in
            queue.append(job)
            condition.signal()
            // An idle thread takes it, unless more jobs wait than threads idle.
            guard queue.count - next > idle, threads < size else { return false }
            threads += 1
            return true
        }
        if spawn {
            let thread = Thread { [self] in work() }
            thread.start()
        }
    }

    private func work() {
        // Named from inside, by the kernel's own call: tools (and a test) count stream
        // threads by the name, and Foundation's setter missed it now and then.
        _ = vaedyn_name_current_thread(name)
        while let job = take() { job() }
    }

    /// The next job, waiting for one up to `idleTimeout`; nil when the thread should end.
    private func take() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while next == queue.count {
            idle += 1
            let woken = condition.wait(until: Date().addingTimeInterval(Double(idleTimeout.nanoseconds) / 1e9))
            idle -= 1
            if !woken && next == queue.count {
                threads -= 1
                return nil
            }
        }
        let job = queue[next]
        next += 1
        // The consumed front is dropped now and then rather than on every take.
        if next > 64 && next * 2 > queue.count {
            queue.removeFirst(next)
            next = 0
        }
        return job
    }
}
