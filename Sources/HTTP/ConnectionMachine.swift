import Dispatch

/// One HTTP/1.1 connection's protocol, without I/O: parsing, keep-alive, the order of
/// pipelined answers, streaming with backpressure, chunked framing, every deadline and the
/// TLS phases are decided here and only here.
///
/// A driver (`Connection`) feeds it events, each with the time it happened, and carries out
/// what comes back: the `Action`s, the bytes in `unsent` (then `wrote` or `writeBlocked`),
/// and after every event the read interest (`wantsRead`), the write interest
/// (`wantsWrite`) and the one deadline (`deadline`). The machine never blocks and never
/// reads the clock, so tests drive it with a fake one.
package struct ConnectionMachine {
    package enum Action {
        /// TLS: advance the handshake now and report the step with `handshake(_:now:)`.
        case handshake
        /// Run the producer of a streaming response (see `StreamStart`).
        case startProducer(StreamStart)
        /// Tell a stream's `onAnswered` what the client was answered.
        case answered(@Sendable (HTTPStatus) -> Void, HTTPStatus)
        /// Close the write side (TLS close_notify, then shutdown); the read side drains.
        case halfClose
        /// Close the connection; the machine takes no more events.
        case close
    }

    /// What a streaming response needs to start, for the driver to launch.
    package struct StreamStart: Sendable {
        package let producer: @Sendable (ResponseWriter) throws -> Void
        package let writer: ResponseWriter
        package let admission: (@Sendable (StreamAdmission) -> Void)?

        /// Runs the producer to its end and tells the connection how it ended; a producer
        /// whose client left while it waited for a thread is not run at all.
        package func run() {
            guard !writer.isCancelled else { return writer.finish(failed: true) }
            do {
                try producer(writer)
                writer.finish(failed: false)
            } catch let error as HTTPError {
                writer.finish(failed: true, failure: error)
            } catch {
                writer.finish(failed: true)
            }
        }
    }

    package enum DeadlineKind: Equatable {
        case handshake, idle, header, body, writeStall, linger, shutdownGrace
    }

    package struct Deadline: Equatable {
        package let kind: DeadlineKind
        package let at: DispatchTime
    }

    private enum Phase {
        /// TLS only: the handshake runs before any byte of HTTP.
        case handshaking
        /// Parsing requests; answers are queued in `output` as they are produced.
        case reading
        /// A producer feeds the response.
        case streaming(Stream)
        /// The last response is being written; the write side closes after it.
        case closing
        /// Write side closed; input is drained so the client reads the response instead
        /// of a reset, until EOF or the linger deadline.
        case lingering
        case closed
    }

    /// A streaming response in flight. Its head is encoded when the first bytes, the end or
    /// a failure arrive, so its status is decided once: its own, or the error's.
    private struct Stream {
        let channel: StreamChannel
        let status: HTTPStatus
        let headers: HTTPHeaders
        /// HTTP/1.1: chunked framing; HTTP/1.0: the body ends with the connection.
        let chunked: Bool
        var headSent = false
        var answered: (@Sendable (HTTPStatus) -> Void)?
    }

    /// Queued output beyond which no more requests are parsed or stream bytes pulled until
    /// the client catches up.
    package static let outputHighWater = 256 * 1024
    /// Body bytes reserved when a request announces its length; beyond it the buffer grows.
    private static let initialBodyCapacity = 64 * 1024

    private let environment: ConnectionEnvironment
    private var configuration: HTTPServer.Configuration { environment.configuration }
    private var phase: Phase
    /// Over the connection limit: answered 503 once it can be (after the TLS handshake).
    private var rejecting = false
    private var parser: RequestParser
    private var head: RequestHead?
    private var body: [UInt8] = []
    private var output: [UInt8] = []
    private var sent = 0
    /// The socket took less than offered; `wrote` or `writable` clears it.
    private var writeBlocked = false
    /// Cleared when the client or the server wants the connection to end after the current response.
    private var keepAlive = true
    private var peerClosed = false
    /// The server is shutting down: a stream that starts now is asked to stop at once.
    private var shuttingDown = false
    /// Which readiness the TLS handshake waits for.
    private var handshakeWantsWrite = false
    /// What the connection waits for now, and until when.
    private var armed: Deadline?
    /// Shutting down: when the connection is cut, whatever it is doing (the grace period).
    private var shutdownBy: DispatchTime?
    /// When the body of the request being read must be complete, however steadily it trickles.
    private var bodyCompleteBy: DispatchTime?

    package init(environment: ConnectionEnvironment, tls: Bool) {
        self.environment = environment
        phase = tls ? .handshaking : .reading
        parser = RequestParser(limits: environment.configuration.limits)
    }

    // MARK: What the driver reads after every event

    package var unsentCount: Int { output.count - sent }

    /// The bytes to write next; report what the socket took with `wrote`.
    package func withUnsent<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        output.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[sent...])) }
    }

    package var isHandshaking: Bool { if case .handshaking = phase { true } else { false } }
    package var isClosed: Bool { if case .closed = phase { true } else { false } }

    /// Whether a write should be tried now (bytes wait and the socket has not refused them).
    package var canWrite: Bool { unsentCount > 0 && !writeBlocked && !isClosed && !isHandshaking }

    package var wantsRead: Bool {
        switch phase {
        case .handshaking:
            return !handshakeWantsWrite
        case .reading, .streaming:
            // While a response streams, reading goes on only to notice a hang-up; input
            // beyond one request's head waits in the kernel.
            let inputLimit = configuration.limits.maxRequestLineLength + configuration.limits.maxHeaderSectionLength
                + max(configuration.readBufferSize, 16 * 1024)
            return !peerClosed && parser.bufferedByteCount < inputLimit
        case .lingering:
            return true
        case .closing, .closed:
            return false
        }
    }

    /// The one deadline to keep a timer at: what the connection waits for, or the end of
    /// the shutdown grace period if that comes first.
    package var deadline: Deadline? {
        guard let shutdownBy, !isClosed else { return armed }
        if let armed, armed.at <= shutdownBy { return armed }
        return Deadline(kind: .shutdownGrace, at: shutdownBy)
    }

    package var wantsWrite: Bool {
        switch phase {
        case .handshaking: handshakeWantsWrite
        case .closed: false
        default: writeBlocked && unsentCount > 0
        }
    }

    // MARK: Events

    /// The connection is accepted; over the connection limit it is answered 503 and closed.
    package mutating func start(rejecting: Bool, now: DispatchTime) -> [Action] {
        self.rejecting = rejecting
        if isHandshaking {
            arm(.handshake, after: configuration.tlsHandshakeTimeout, now: now)
            return [.handshake]
        }
        var actions: [Action] = []
        beginHTTP(now: now)
        advance(now: now, &actions)
        return actions
    }

    /// The TLS handshake took a step.
    package mutating func handshake(_ step: TLSSession.HandshakeStep, now: DispatchTime) -> [Action] {
        guard isHandshaking else { return [] }
        var actions: [Action] = []
        switch step {
        case .complete:
            armed = nil
            handshakeWantsWrite = false
            beginHTTP(now: now)
            advance(now: now, &actions)
        case .wantsRead:
            handshakeWantsWrite = false
        case .wantsWrite:
            handshakeWantsWrite = true
        case .failed:
            // Garbage, a plain-HTTP client or no common protocol version: there is no
            // channel to answer on, so the connection just ends.
            close(&actions)
        }
        return actions
    }

    /// Bytes arrived (decrypted, with TLS).
    package mutating func received(_ bytes: UnsafeRawBufferPointer, now: DispatchTime) -> [Action] {
        var actions: [Action] = []
        switch phase {
        case .reading, .streaming:
            let wasIdle = head == nil && parser.isAtMessageBoundary
            parser.append(bytes)
            if case .reading = phase {
                if head != nil {
                    armBodyDeadline(now: now)
                } else if wasIdle {
                    arm(.header, after: configuration.headerReadTimeout, now: now)
                }
            }
        case .handshaking, .closing, .lingering, .closed:
            // Input after a closing response is drained, never parsed.
            break
        }
        advance(now: now, &actions)
        return actions
    }

    /// The client ended its side.
    package mutating func peerClosed(now: DispatchTime) -> [Action] {
        peerClosed = true
        var actions: [Action] = []
        switch phase {
        case .reading, .closing:
            // Requests already received are still answered; the last answer closes.
            keepAlive = false
            advance(now: now, &actions)
        case .handshaking, .streaming, .lingering, .closed:
            // A streaming client that hangs up is gone: closing cancels the producer.
            close(&actions)
        }
        return actions
    }

    /// A read or write failed (reset, TLS error): the connection is broken.
    package mutating func failed() -> [Action] {
        var actions: [Action] = []
        close(&actions)
        return actions
    }

    /// The socket took `count` of the unsent bytes.
    package mutating func wrote(_ count: Int, now: DispatchTime) -> [Action] {
        precondition(count > 0 && count <= unsentCount, "wrote \(count) of \(unsentCount) unsent bytes")
        sent += count
        writeBlocked = false
        if sent == output.count {
            // A large body's buffer is not worth keeping for the next small response.
            if output.capacity > 1 << 20 { output = [] } else { output.removeAll(keepingCapacity: true) }
            sent = 0
            if armed?.kind == .writeStall { armed = nil }
        }
        var actions: [Action] = []
        advance(now: now, &actions)
        return actions
    }

    /// The socket took none of the unsent bytes: wait for it to become writable, not for ever.
    package mutating func writeBlocked(now: DispatchTime) {
        writeBlocked = true
        if armed?.kind != .writeStall { arm(.writeStall, after: configuration.writeStallTimeout, now: now) }
    }

    /// The socket can take bytes again.
    package mutating func writable() {
        writeBlocked = false
    }

    /// The streaming producer has flushed bytes, finished or failed.
    package mutating func producerReady(now: DispatchTime) -> [Action] {
        var actions: [Action] = []
        advance(now: now, &actions)
        return actions
    }

    /// The deadline's time may have come (a timer fired at or after it).
    package mutating func timerFired(now: DispatchTime) -> [Action] {
        guard let deadline, now >= deadline.at else { return [] }
        if deadline.kind != .shutdownGrace { armed = nil }
        var actions: [Action] = []
        switch deadline.kind {
        case .header, .body:
            guard case .reading = phase else {
                close(&actions)
                return actions
            }
            reject(HTTPError(.requestTimeout, code: "request_timeout", message: "The request took too long to arrive"))
            advance(now: now, &actions)
        case .handshake, .idle, .writeStall, .linger, .shutdownGrace:
            close(&actions)
        }
        return actions
    }

    /// Graceful shutdown: an idle connection closes now, a busy one after its response, a
    /// stream is asked to end its body; whatever is still open when the grace period ends
    /// is cut.
    package mutating func shutdown(now: DispatchTime) -> [Action] {
        keepAlive = false
        shuttingDown = true
        if shutdownBy == nil { shutdownBy = now + .nanoseconds(configuration.shutdownGracePeriod.nanoseconds) }
        var actions: [Action] = []
        switch phase {
        case .handshaking:
            close(&actions)
        case .streaming(let stream):
            stream.channel.requestStop()
        case .reading where head == nil && parser.isAtMessageBoundary && unsentCount == 0:
            close(&actions)
        default:
            break
        }
        return actions
    }

    // MARK: Progress

    /// Produces as much output as the high-water mark allows, then settles the deadline
    /// for whatever is awaited next.
    private mutating func advance(now: DispatchTime, _ actions: inout [Action]) {
        loop: while unsentCount < Self.outputHighWater {
            switch phase {
            case .reading:
                guard parseNext(now: now, &actions) else { break loop }
            case .streaming:
                guard pumpStream(now: now, &actions) else { break loop }
            case .closing:
                if unsentCount == 0 { halfClose(now: now, &actions) }
                break loop
            case .handshaking, .lingering, .closed:
                break loop
            }
        }
        settle(now: now, &actions)
    }

    /// The first HTTP step, once bytes can flow (at once, or after the TLS handshake).
    private mutating func beginHTTP(now: DispatchTime) {
        phase = .reading
        if rejecting {
            keepAlive = false
            appendError(HTTPError(.serviceUnavailable, code: "too_many_connections", message: "The server has too many open connections"))
        } else {
            arm(.idle, after: configuration.headerReadTimeout, now: now)
        }
    }

    /// Handles one parser event; false when the parser needs more bytes.
    private mutating func parseNext(now: DispatchTime, _ actions: inout [Action]) -> Bool {
        let event: RequestParser.Event?
        do {
            event = try parser.next()
        } catch {
            reject(HTTPError(error))
            return true
        }
        switch event {
        case nil:
            return false
        case .head(let head)?:
            self.head = head
            body = []
            // The announced length is only a claim: the buffer grows as bytes arrive, so that
            // a client announcing the limit and sending nothing holds next to nothing.
            if case .length(let length) = head.framing { body.reserveCapacity(min(length, Self.initialBodyCapacity)) }
            if head.framing != .none && head.framing != .length(0) {
                bodyCompleteBy = now + .nanoseconds(configuration.bodyTotalTimeout.nanoseconds)
                armBodyDeadline(now: now)
                if head.expectsContinue && parser.bufferedByteCount == 0 {
                    output += "HTTP/1.1 100 Continue\r\n\r\n".utf8
                }
            }
        case .body(let bytes)?:
            body += bytes
        case .end?:
            guard let head else { return true }
            let request = HTTPRequest(head: head, body: body)
            self.head = nil
            body = []
            bodyCompleteBy = nil
            keepAlive = keepAlive && head.keepAlive
            respond(to: request, &actions)
        }
        return true
    }

    private mutating func respond(to request: HTTPRequest, _ actions: inout [Action]) {
        let response: HTTPResponse
        do {
            response = try environment.respond(request)
        } catch {
            return appendError(error as? HTTPError ?? .internalError)
        }
        let omitBody = request.method == .head
        switch response.body {
        case .bytes(let bytes):
            appendFixed(HTTPResponse(status: response.status, headers: response.headers, body: bytes),
                        omitBody: omitBody, acceptsGzip: Gzip.isAccepted(by: request.headers), path: request.path)
        case .stream(let producer):
            let chunked = request.version.isAtLeast1_1
            if !chunked { keepAlive = false }
            guard !omitBody && response.status.allowsBody else {
                appendHead(response.status, response.headers, framing: !response.status.allowsBody ? .noBody : chunked ? .chunked : .untilClose)
                if !keepAlive { enterClosing() }
                return
            }
            let channel = environment.makeChannel(configuration.streamBufferLimit)
            phase = .streaming(Stream(channel: channel, status: response.status, headers: response.headers, chunked: chunked,
                                      answered: response.onAnswered))
            armed = nil
            // Before the start: a producer started during a shutdown sees the stop at once, and
            // an admission handler refuses (its stop handler runs as soon as it is added).
            if shuttingDown { channel.requestStop() }
            actions.append(.startProducer(StreamStart(producer: producer, writer: ResponseWriter(channel: channel),
                                                      admission: response.admission)))
        }
    }

    /// Moves what the producer flushed into the output, framed; false when it has nothing new.
    private mutating func pumpStream(now: DispatchTime, _ actions: inout [Action]) -> Bool {
        guard case .streaming(var stream) = phase else { return false }
        switch stream.channel.pull() {
        case .nothing:
            return false
        case .bytes(let bytes):
            sendStreamHead(&stream, &actions)
            if stream.chunked {
                output += String(bytes.count, radix: 16).utf8
                output += [ByteClass.cr, ByteClass.lf]
                output += bytes
                output += [ByteClass.cr, ByteClass.lf]
            } else {
                output += bytes
            }
            phase = .streaming(stream)
        case .finished:
            sendStreamHead(&stream, &actions)
            if stream.chunked { output += "0\r\n\r\n".utf8 }
            if keepAlive { phase = .reading } else { enterClosing() }
        case .failed(let failure):
            guard !stream.headSent else {
                // Bytes already left: the missing last chunk is how the client learns the
                // body is incomplete.
                close(&actions)
                return false
            }
            phase = .reading
            let answer = failure ?? .internalError
            if let answered = stream.answered { actions.append(.answered(answered, answer.status)) }
            appendError(answer)
        }
        return true
    }

    private mutating func sendStreamHead(_ stream: inout Stream, _ actions: inout [Action]) {
        guard !stream.headSent else { return }
        stream.headSent = true
        appendHead(stream.status, stream.headers, framing: stream.chunked ? .chunked : .untilClose)
        if let answered = stream.answered { actions.append(.answered(answered, stream.status)) }
        stream.answered = nil
    }

    private mutating func appendHead(_ status: HTTPStatus, _ headers: HTTPHeaders, framing: ResponseEncoder.Framing) {
        ResponseEncoder.appendHead(status: status, headers: headers, framing: framing, keepAlive: keepAlive, date: environment.date(),
                                   serverName: configuration.serverName, to: &output)
    }

    /// Queues a complete response, compressed when the client accepts gzip and it pays; the
    /// compressed form of a body with a strong ETag is kept for the next request of `path`.
    private mutating func appendFixed(_ response: HTTPResponse, omitBody: Bool, acceptsGzip: @autoclosure () -> Bool, path: String? = nil) {
        guard case .bytes(var body) = response.body else { return }
        var headers = response.headers
        let compression = configuration.compression
        if compression.isEnabled, response.status.allowsBody, body.count >= compression.minimumLength,
           !headers.contains("Content-Encoding"), MediaType.isCompressible(headers["Content-Type"] ?? "") {
            headers.add("Vary", "Accept-Encoding")
            // A strong tag names these exact bytes, so their compressed form can be reused.
            let strongTag = headers["ETag"].flatMap { $0.hasPrefix("W/") ? nil : $0 }
            if acceptsGzip(), let compressed = environment.gzip(body, path.flatMap { path in strongTag.map { path + " " + $0 } }) {
                body = compressed
                headers.add("Content-Encoding", "gzip")
                // The compressed bytes are another representation: a strong tag would claim
                // byte equality with the identity one.
                if let strongTag { headers.set("ETag", "W/" + strongTag) }
            }
        }
        appendHead(response.status, headers, framing: response.status.allowsBody ? .length(body.count) : .noBody)
        if response.status.allowsBody && !omitBody { output += body }
        if !keepAlive { enterClosing() }
    }

    /// Answers a request that cannot be served and ends the connection: after a framing
    /// error nothing further on it can be trusted.
    private mutating func reject(_ error: HTTPError) {
        keepAlive = false
        head = nil
        body = []
        appendError(error)
    }

    /// Every error the connection answers with (a handler's, a producer's before its first
    /// byte, a parse failure, a deadline, the connection limit) becomes bytes here.
    private mutating func appendError(_ error: HTTPError) {
        appendFixed(environment.errorResponse(error), omitBody: false, acceptsGzip: false)
    }

    private mutating func enterClosing() {
        phase = .closing
        armed = nil
    }

    private mutating func halfClose(now: DispatchTime, _ actions: inout [Action]) {
        actions.append(.halfClose)
        phase = .lingering
        if peerClosed {
            close(&actions)
        } else {
            arm(.linger, after: configuration.lingerTimeout, now: now)
        }
    }

    private mutating func close(_ actions: inout [Action]) {
        if case .closed = phase { return }
        if case .streaming(let stream) = phase {
            stream.channel.cancel()
            if let answered = stream.answered { actions.append(.answered(answered, .clientClosed)) }
        }
        phase = .closed
        armed = nil
        actions.append(.close)
    }

    // MARK: Waiting

    /// Picks the deadline for what the connection now waits for, or closes a connection
    /// that owes its client nothing more.
    private mutating func settle(now: DispatchTime, _ actions: inout [Action]) {
        guard unsentCount == 0 else { return }
        switch phase {
        case .reading:
            if peerClosed { return close(&actions) }
            if head != nil {
                if armed?.kind != .body { armBodyDeadline(now: now) }
            } else if parser.isAtMessageBoundary {
                // Shutting down and between requests: nothing is owed to this client.
                if !keepAlive { return close(&actions) }
                if armed?.kind != .idle { arm(.idle, after: configuration.idleTimeout, now: now) }
            } else if armed?.kind != .header {
                arm(.header, after: configuration.headerReadTimeout, now: now)
            }
        case .streaming:
            // The producer may compute for as long as it needs.
            armed = nil
        default:
            break
        }
    }

    /// The next body bytes are due within the read timeout, and all of them by `bodyCompleteBy`.
    private mutating func armBodyDeadline(now: DispatchTime) {
        let next = now + .nanoseconds(configuration.bodyReadTimeout.nanoseconds)
        armed = Deadline(kind: .body, at: bodyCompleteBy.map { min($0, next) } ?? next)
    }

    private mutating func arm(_ kind: DeadlineKind, after duration: Duration, now: DispatchTime) {
        armed = Deadline(kind: kind, at: now + .nanoseconds(duration.nanoseconds))
    }
}
