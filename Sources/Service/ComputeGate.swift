import HTTP

/// Admission control for computations: at most `maxConcurrent` run, at most `queueLength`
/// wait; a request beyond both is refused at once with 503 and Retry-After, before any
/// response starts, so a client never waits on a queue that cannot serve it.
///
/// A waiting request holds a ticket and nothing else: no thread and no buffers. When a
/// running computation ends, the oldest waiting ticket is woken by its `start` callback,
/// which is where the computation's thread begins and its buffers are made.
package final class ComputeGate: Sendable {
    private struct State {
        var running = 0
        /// Waiting tickets in arrival order, with what starts each.
        var queue: [(ticket: ObjectIdentifier, start: @Sendable () -> Void)] = []
        /// Reserved places not yet queued (the response has not started) or queued.
        var waiting = 0
    }

    let limits: ComputeLimits
    private let state = Locked(State())
    private let metrics: ServiceMetrics

    package init(limits: ComputeLimits, metrics: ServiceMetrics) {
        self.limits = limits
        self.metrics = metrics
    }

    package var running: Int { state.withLock { $0.running } }
    package var waiting: Int { state.withLock { $0.waiting } }
    /// Nothing running and nothing waiting.
    package var isIdle: Bool { state.withLock { $0.running == 0 && $0.waiting == 0 } }

    /// Reserves a place (running or queued) or throws 503.
    package func admit() throws -> Ticket {
        let admitted = state.withLock { s -> Bool in
            guard s.running + s.waiting < limits.maxConcurrent + limits.queueLength else { return false }
            s.waiting += 1
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

    /// Runs `start` now if a slot is free and nobody waits before it, else when one is.
    fileprivate func enqueue(_ ticket: Ticket, start: @escaping @Sendable () -> Void) {
        let now = state.withLock { s -> Bool in
            if s.running < limits.maxConcurrent && s.queue.isEmpty {
                s.waiting -= 1
                s.running += 1
                return true
            }
            s.queue.append((ObjectIdentifier(ticket), start))
            return false
        }
        if now {
            metrics.queueLength.decrement()
            start()
        }
    }

    /// Gives a running slot back and starts the oldest waiting ticket in it.
    fileprivate func release() {
        let next = state.withLock { s -> (@Sendable () -> Void)? in
            s.running -= 1
            guard s.running < limits.maxConcurrent, !s.queue.isEmpty else { return nil }
            s.waiting -= 1
            s.running += 1
            return s.queue.removeFirst().start
        }
        if let next {
            metrics.queueLength.decrement()
            next()
        }
    }

    /// Drops a place that never ran. A queued ticket that `release` has just taken off the
    /// queue is not counted again: its start callback finds it finished and releases.
    fileprivate func withdraw(_ ticket: Ticket, queued: Bool) {
        let dropped = state.withLock { s -> Bool in
            if queued {
                guard let i = s.queue.firstIndex(where: { $0.ticket == ObjectIdentifier(ticket) }) else { return false }
                s.queue.remove(at: i)
            }
            s.waiting -= 1
            return true
        }
        if dropped { metrics.queueLength.decrement() }
    }

    /// A reserved place. `whenRunning` queues it for a slot; the place is given back when
    /// the ticket is finished or dropped, whichever comes first, so a response that never
    /// starts cannot leak a slot.
    package final class Ticket: Sendable {
        enum Phase { case reserved, queued, running, done }

        let gate: ComputeGate
        private let phase = Locked(Phase.reserved)

        fileprivate init(gate: ComputeGate) { self.gate = gate }

        /// Calls `start` once a slot is this ticket's: at once, or when one frees up.
        /// Nothing is called if the ticket is finished first.
        package func whenRunning(_ start: @escaping @Sendable () -> Void) {
            let queued = phase.withLock { p -> Bool in
                guard p == .reserved else { return false }
                p = .queued
                return true
            }
            guard queued else { return }
            gate.enqueue(self) { [self] in
                let mine = phase.withLock { p -> Bool in
                    guard p == .queued else { return false }
                    p = .running
                    return true
                }
                // Finished while the slot was being handed over: pass it on.
                if mine { start() } else { gate.release() }
            }
        }

        /// Ends the ticket if it is still waiting; true if it was (it will never run). A
        /// running ticket is left to finish with its computation, which keeps its slot
        /// until it has stopped.
        package func withdraw() -> Bool {
            let was = phase.withLock { p -> Phase in
                defer { if p == .reserved || p == .queued { p = .done } }
                return p
            }
            switch was {
            case .reserved: gate.withdraw(self, queued: false)
            case .queued: gate.withdraw(self, queued: true)
            case .running, .done: return false
            }
            return true
        }

        /// Ends the ticket: a running one frees its slot, a waiting one its place.
        package func finish() {
            if withdraw() { return }
            let wasRunning = phase.withLock { p -> Bool in
                defer { p = .done }
                return p == .running
            }
            if wasRunning { gate.release() }
        }

        deinit { finish() }
    }
}
