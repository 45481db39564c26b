import Dispatch
import HTTP
import Synchronization

/// Admission control for computations: at most `maxConcurrent` run, at most `queueLength`
/// wait; a request beyond both is refused at once with 503 and Retry-After, before any
/// response starts, so a client never waits on a queue that cannot serve it.
final class ComputeGate: Sendable {
    private struct Counts { var running = 0, waiting = 0 }

    let limits: ComputeLimits
    private let counts = Mutex(Counts())
    private let slots: DispatchSemaphore
    private let metrics: ServiceMetrics

    init(limits: ComputeLimits, metrics: ServiceMetrics) {
        self.limits = limits
        self.metrics = metrics
        slots = DispatchSemaphore(value: limits.maxConcurrent)
    }

    var running: Int { counts.withLock { $0.running } }
    var waiting: Int { counts.withLock { $0.waiting } }

    /// Reserves a place (running or queued) or throws 503.
    func admit() throws -> Ticket {
        let admitted = counts.withLock { c -> Bool in
            guard c.running + c.waiting < limits.maxConcurrent + limits.queueLength else { return false }
            c.waiting += 1
            return true
        }
        guard admitted else {
            metrics.refused.increment()
            throw unavailable("overloaded", "\(limits.maxConcurrent) computations are running and \(limits.queueLength) waiting; retry later")
        }
        metrics.queueLength.increment()
        return Ticket(gate: self)
    }

    /// The answer to a request still waiting for a slot when the server begins to shut down.
    var shuttingDown: HTTPError { unavailable("shutting_down", "The server is shutting down; retry later") }

    private func unavailable(_ code: String, _ message: String) -> HTTPError {
        HTTPError(.serviceUnavailable, code: code, message: message, headers: ["Retry-After": "\(limits.retryAfterSeconds)"])
    }

    /// A reserved place. `wait` turns it into a running slot; the place is given back when
    /// the ticket is finished or dropped, whichever comes first, so a response that never
    /// starts cannot leak a slot.
    final class Ticket: @unchecked Sendable {
        let gate: ComputeGate
        private let state = Mutex((running: false, done: false))

        fileprivate init(gate: ComputeGate) { self.gate = gate }

        /// Blocks until a slot is free; false if cancelled first.
        func wait(isCancelled: () -> Bool) -> Bool {
            while gate.slots.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                if isCancelled() { return false }
            }
            state.withLock { $0.running = true }
            gate.counts.withLock { $0.waiting -= 1; $0.running += 1 }
            gate.metrics.queueLength.decrement()
            return true
        }

        func finish() {
            let (wasRunning, first) = state.withLock { s -> (Bool, Bool) in
                defer { s.done = true }
                return (s.running, !s.done)
            }
            guard first else { return }
            if wasRunning {
                gate.counts.withLock { $0.running -= 1 }
                gate.slots.signal()
            } else {
                gate.counts.withLock { $0.waiting -= 1 }
                gate.metrics.queueLength.decrement()
            }
        }

        deinit { finish() }
    }
}
