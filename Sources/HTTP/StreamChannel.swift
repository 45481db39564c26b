import Foundation

/// The hand-over point between a streaming producer (a producer-pool thread) and the connection
/// (its Dispatch queue). The producer blocks in `push` while `limit` bytes are already
/// waiting, which is what bounds memory when the client reads slowly.
package final class StreamChannel: @unchecked Sendable {
    package enum Pull {
        case nothing
        case bytes([UInt8])
        case finished
        /// The producer threw, after everything it flushed was pulled; with the answer it
        /// asked for, if any, for when no byte has left yet.
        case failed(HTTPError?)
    }

    package let limit: Int
    private let wake: @Sendable () -> Void
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var finished = false
    private var failed = false
    private var failure: HTTPError?
    private var cancellation = Event()
    private var stop = Event()
    private var wakeScheduled = false

    /// Something that happens once and runs its handlers then (or at once, after).
    private struct Event {
        private(set) var happened = false
        private var handlers: [@Sendable () -> Void] = []

        /// Keeps `handler` for later; false if the event has happened (run it now).
        mutating func add(_ handler: @escaping @Sendable () -> Void) -> Bool {
            guard !happened else { return false }
            handlers.append(handler)
            return true
        }

        /// Marks the event; returns the handlers to run, once.
        mutating func happen() -> [@Sendable () -> Void] {
            guard !happened else { return [] }
            happened = true
            defer { handlers = [] }
            return handlers
        }
    }

    /// Adds a handler to `event` under the lock and runs it now if the event has happened.
    private func on(_ event: ReferenceWritableKeyPath<StreamChannel, Event>, _ handler: @escaping @Sendable () -> Void) {
        condition.lock()
        let kept = self[keyPath: event].add(handler)
        condition.unlock()
        if !kept { handler() }
    }

    /// `wake` asks the connection to pull; it is called at most once per pull.
    package init(limit: Int, wake: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.wake = wake
    }

    package var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancellation.happened
    }

    package var isStopRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stop.happened
    }

    /// The server is shutting down: the producer should end its body soon, properly.
    package func requestStop() {
        condition.lock()
        let handlers = stop.happen()
        condition.unlock()
        for handler in handlers { handler() }
    }

    /// Runs `handler` once when the server asks the stream to stop (at once if it has).
    func onStopRequested(_ handler: @escaping @Sendable () -> Void) { on(\.stop, handler) }

    package func push(_ bytes: [UInt8]) throws(CancellationError) {
        condition.lock()
        while pending.count >= limit && !cancellation.happened { condition.wait() }
        guard !cancellation.happened else {
            condition.unlock()
            throw CancellationError()
        }
        pending.append(contentsOf: bytes)
        let shouldWake = !wakeScheduled
        wakeScheduled = true
        condition.unlock()
        if shouldWake { wake() }
    }

    package func finish(failed: Bool, failure: HTTPError? = nil) {
        condition.lock()
        finished = true
        self.failed = failed
        self.failure = failure
        let shouldWake = !wakeScheduled
        wakeScheduled = true
        condition.unlock()
        if shouldWake { wake() }
    }

    func onCancel(_ handler: @escaping @Sendable () -> Void) { on(\.cancellation, handler) }

    /// Called by the connection when the client is gone or the server gives up on it.
    package func cancel() {
        condition.lock()
        let handlers = cancellation.happen()
        condition.broadcast()
        condition.unlock()
        for handler in handlers { handler() }
    }

    package func pull() -> Pull {
        condition.lock()
        defer { condition.unlock() }
        wakeScheduled = false
        if !pending.isEmpty {
            let bytes = pending
            pending = []
            condition.broadcast()
            return .bytes(bytes)
        }
        guard finished else { return .nothing }
        return failed ? .failed(failure) : .finished
    }
}
