/// How a streaming handler sends its body: `write` bytes, `flush` at the end of each record.
///
/// The producer runs on a thread of the server's producer pool, so `flush` simply blocks
/// while the connection already holds `Configuration.streamBufferLimit` bytes the client
/// has not taken: a slow reader pauses a compute loop without any buffer growing. A synchronous API was chosen
/// over an async one because the producers are CPU-bound loops that would otherwise have
/// to hop between the loop and the cooperative pool for every record.
///
/// When the client goes away (EOF or reset while the response streams, a failed send, a
/// write stall or the server's shutdown deadline), `isCancelled` becomes true, the
/// `onCancel` handlers run once, and `write`/`flush` throw `CancellationError`.
///
/// When the server shuts down, `isStopRequested` becomes true: the client is still there,
/// and the producer should end its body soon and properly (a last record, say) rather than
/// be cut off when the grace period ends. A producer that throws an `HTTPError` before its
/// first `flush` is answered with that error instead of its own status.
///
/// `write` and `flush` belong to the producer's thread; `isCancelled`, `isStopRequested`
/// and `onCancel` may be used from any thread.
///
///     router.get("/models/:id/samples") { request in
///         HTTPResponse(headers: ["Content-Type": "application/x-ndjson"]) { writer in
///             for sample in sampler(request.pathParameters["id"]!) {
///                 try writer.write(sample.jsonLine)
///                 try writer.flush()      // throws CancellationError once the client is gone
///             }
///         }
///     }
public final class ResponseWriter: @unchecked Sendable {
    private let channel: StreamChannel
    private var record: [UInt8] = []

    package init(channel: StreamChannel) {
        self.channel = channel
    }

    public var isCancelled: Bool { channel.isCancelled }

    public var isStopRequested: Bool { channel.isStopRequested }

    /// Runs `handler` once when the response is cancelled (at once if it already is), on
    /// whichever thread notices; keep it short.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        channel.onCancel(handler)
    }

    /// Runs `handler` once when the server begins to shut down (at once if it has).
    public func onStopRequested(_ handler: @escaping @Sendable () -> Void) {
        channel.onStopRequested(handler)
    }

    /// Adds bytes to the current record; a record that outgrows the buffer limit is flushed.
    public func write(_ bytes: some Sequence<UInt8>) throws {
        if channel.isCancelled { throw CancellationError() }
        record.append(contentsOf: bytes)
        if record.count >= channel.limit { try flush() }
    }

    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    /// Hands the record to the connection, blocking while the client is behind. The
    /// connection frames what it takes (one chunk per pull, with HTTP/1.1).
    public func flush() throws {
        guard !record.isEmpty else {
            if channel.isCancelled { throw CancellationError() }
            return
        }
        let bytes = record
        record.removeAll(keepingCapacity: true)
        try channel.push(bytes)
    }

    /// Called by the server when the producer returns or throws.
    package func finish(failed: Bool, failure: HTTPError? = nil) {
        if !failed { try? flush() }
        channel.finish(failed: failed, failure: failure)
    }
}
