import HTTP

/// What a streaming response ended with, for /metrics: reported once, when the status the
/// client was answered is known and the producer, if it started, has ended.
final class StreamOutcome: Sendable {
    private struct State {
        var status: Int?
        var started = false
        var ended = false
        var reported = false
    }

    private let state = Locked(State())
    private let report: @Sendable (Int) -> Void

    init(report: @escaping @Sendable (Int) -> Void) {
        self.report = report
    }

    func producerStarted() { state.withLock { $0.started = true } }

    func producerEnded() { settle { $0.ended = true } }

    func answered(_ status: Int) { settle { $0.status = $0.status ?? status } }

    private func settle(_ change: (inout State) -> Void) {
        let status = state.withLock { s -> Int? in
            change(&s)
            guard !s.reported, let status = s.status, !s.started || s.ended else { return nil }
            s.reported = true
            return status
        }
        if let status { report(status) }
    }
}
