
/// The start of a streaming response whose producer must wait for something (a compute
/// slot, say) without holding a thread while it waits.
///
/// The connection hands one to `HTTPResponse.admission` when the response starts. The
/// handler calls `start()` when the producer may run, which hands it to the pool, or
/// `refuse(_:)` to answer with an error instead; whichever comes first wins and the other
/// is ignored. `onCancel` and `onStopRequested` tell a waiting handler that the client
/// left or the server is shutting down. Any method may be called from any thread.
public final class StreamAdmission: Sendable {
    private let writer: ResponseWriter
    private let launch: Locked<(@Sendable () -> Void)?>

    init(writer: ResponseWriter, launch: @escaping @Sendable () -> Void) {
        self.writer = writer
        self.launch = Locked(launch)
    }

    /// Takes the launch once; nil if `start` or `refuse` came first.
    private func claim() -> (@Sendable () -> Void)? {
        launch.withLock { pending in
            defer { pending = nil }
            return pending
        }
    }

    /// Starts the producer on the server's producer pool.
    public func start() {
        claim()?()
    }

    /// Answers `error` instead of running the producer.
    public func refuse(_ error: HTTPError) {
        guard claim() != nil else { return }
        writer.finish(failed: true, failure: error)
    }

    public var isCancelled: Bool { writer.isCancelled }

    public func onCancel(_ handler: @escaping @Sendable () -> Void) { writer.onCancel(handler) }

    public func onStopRequested(_ handler: @escaping @Sendable () -> Void) { writer.onStopRequested(handler) }
}
