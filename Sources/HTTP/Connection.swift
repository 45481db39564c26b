import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
import CThreadName
#endif

/// One client connection: reads into the parser, answers requests in order, writes the
/// responses, enforces the deadlines.
///
/// All mutable state is confined to `queue`. Three sources share the descriptor; the
/// write source's cancel handler cancels the read source, whose cancel handler is the one
/// place the descriptor is closed, so no source ever watches a closed (or reused) number.
final class Connection: @unchecked Sendable {
    private enum Phase {
        /// TLS only: the handshake runs before any byte of HTTP.
        case handshaking
        /// Parsing requests; responses are queued in `outbound` as they are produced.
        case reading
        /// A producer thread feeds the response; its head is held back until the first
        /// bytes so that a producer failing at once can still be answered with a 500.
        case streaming(StreamChannel, pendingHead: [UInt8]?, chunked: Bool)
        /// The last response is being written; the write side closes after it.
        case closing
        /// Write side closed; input is drained so the client reads the response instead
        /// of a reset, until EOF or the linger deadline.
        case lingering
        case closed
    }

    private enum DeadlineKind {
        case handshake, idle, header, body, writeStall, linger
    }

    /// Queued response bytes beyond which no more requests are parsed or stream bytes
    /// pulled until the client catches up.
    private static let outboundHighWater = 256 * 1024
    /// Body bytes reserved when a request announces its length; beyond it the buffer grows.
    private static let initialBodyCapacity = 64 * 1024

    let queue: DispatchQueue
    private let descriptor: Int32
    private let tls: TLSSession?
    private let server: HTTPServer
    private let configuration: HTTPServer.Configuration
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
    private let timer: DispatchSourceTimer

    private var phase: Phase
    /// Over the connection limit: answered 503 once it can be (after the TLS handshake).
    private var rejecting = false
    private var parser: RequestParser
    private var head: RequestHead?
    private var body: [UInt8] = []
    private var outbound: [UInt8] = []
    private var sent = 0
    /// Cleared when the client or the server wants the connection to end after the
    /// current response.
    private var keepAlive = true
    private var peerClosed = false
    /// The server is shutting down: a stream that starts now is asked to stop at once.
    private var shuttingDown = false
    /// The streaming response's own status, and who wants to hear what was answered.
    private var stream: (status: HTTPStatus, answered: (@Sendable (HTTPStatus) -> Void)?) = (.ok, nil)
    private var reading = false
    private var writing = false
    /// Which readiness the TLS handshake waits for.
    private var handshakeWantsWrite = false
    private var deadline: (kind: DeadlineKind, at: DispatchTime)?
    /// When the body of the request being read must be complete, however steadily it trickles.
    private var bodyCompleteBy: DispatchTime?
    private var timerFiresAt: DispatchTime?

    init(descriptor: Int32, tls: TLSSession?, server: HTTPServer, queue: DispatchQueue) {
        self.descriptor = descriptor
        self.tls = tls
        phase = tls == nil ? .reading : .handshaking
        self.server = server
        self.configuration = server.configuration
        self.queue = queue
        parser = RequestParser(limits: configuration.limits)
        readSource = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: queue)
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    /// Starts serving; a connection over the limit is answered 503 and closed.
    func start(rejecting: Bool) {
        queue.async { [self] in
            readSource.setEventHandler { [self] in readable() }
            writeSource.setEventHandler { [self] in drive() }
            timer.setEventHandler { [self] in timerFired() }
            writeSource.setCancelHandler { [self] in
                readSource.cancel()
                setReading(true)
            }
            readSource.setCancelHandler { [self] in
                Glibc.close(descriptor)
                server.connectionDidClose(self)
            }
            timer.resume()
            self.rejecting = rejecting
            if case .handshaking = phase {
                arm(.handshake, after: configuration.tlsHandshakeTimeout)
            } else {
                beginHTTP()
            }
            drive()
        }
    }

    /// The first HTTP step, once bytes can flow (at once, or after the TLS handshake).
    private func beginHTTP() {
        phase = .reading
        if rejecting {
            keepAlive = false
            appendFixed(HTTPResponse.error(HTTPError(.serviceUnavailable, code: "too_many_connections",
                                                     message: "The server has too many open connections")),
                        omitBody: false, acceptsGzip: false)
        } else {
            arm(.idle, after: configuration.headerReadTimeout)
        }
    }

    /// Graceful shutdown: an idle connection closes now, a busy one after its response.
    func beginShutdown() {
        queue.async { [self] in
            keepAlive = false
            shuttingDown = true
            switch phase {
            case .handshaking:
                close()
            case .streaming(let channel, _, _):
                channel.requestStop()
            case .reading where head == nil && parser.isAtMessageBoundary && outbound.count == sent:
                close()
            default:
                break
            }
        }
    }

    func forceClose() {
        queue.async { [self] in close() }
    }

    // MARK: Reading

    private func readable() {
        if case .handshaking = phase { return drive() }
        let wasIdle = head == nil && parser.isAtMessageBoundary
        let result = withUnsafeTemporaryAllocation(byteCount: max(configuration.readBufferSize, 16 * 1024), alignment: 16) { buffer in
            let result = tls?.read(into: buffer) ?? Socket.receive(descriptor, into: buffer)
            // Input after a closing response is drained, never parsed.
            if case .moved(let count) = result, acceptsRequests {
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
            return result
        }
        switch result {
        case .moved:
            if case .reading = phase {
                if head != nil {
                    armBodyDeadline()
                } else if wasIdle {
                    arm(.header, after: configuration.headerReadTimeout)
                }
            }
            drive()
            // Decrypted bytes already taken off the socket raise no read event of their own.
            if reading, tls?.hasBufferedInput == true { queue.async { [self] in if reading { readable() } } }
        case .wouldBlock:
            break
        case .ended:
            peerDidClose()
        case .failed:
            close()
        }
    }

    private var acceptsRequests: Bool {
        switch phase {
        case .reading, .streaming: true
        case .handshaking, .closing, .lingering, .closed: false
        }
    }

    private func peerDidClose() {
        peerClosed = true
        switch phase {
        case .reading, .closing:
            // Requests already received are still answered; the last answer closes.
            keepAlive = false
            drive()
        case .handshaking, .streaming, .lingering, .closed:
            // A streaming client that hangs up is gone: close() cancels the producer.
            close()
        }
    }

    // MARK: Progress

    /// Produces and sends as much as possible without waiting, then settles the deadline
    /// and read interest for whatever is awaited next.
    private func drive() {
        loop: while true {
            let queued = outbound.count - sent
            switch phase {
            case .handshaking:
                guard shakeHands() else { break loop }
                continue loop
            case .reading:
                if queued < Self.outboundHighWater, parseNext() { continue loop }
            case .streaming:
                if queued < Self.outboundHighWater, pumpStream() { continue loop }
            case .closing:
                if queued == 0 {
                    halfClose()
                    break loop
                }
            case .lingering, .closed:
                break loop
            }
            guard outbound.count > sent, flush() else { break loop }
        }
        settle()
    }

    /// Advances the TLS handshake; true once it is complete and HTTP has begun.
    private func shakeHands() -> Bool {
        switch tls?.handshake() ?? .complete {
        case .complete:
            deadline = nil
            setWriting(false)
            beginHTTP()
            return true
        case .wantsRead:
            handshakeWantsWrite = false
        case .wantsWrite:
            handshakeWantsWrite = true
        case .failed:
            // Garbage, a plain-HTTP client or no common protocol version: there is no
            // channel to answer on, so the connection just ends.
            close()
        }
        return false
    }

    /// Handles one parser event; false when the parser needs more bytes.
    private func parseNext() -> Bool {
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
                bodyCompleteBy = .now() + .nanoseconds(configuration.bodyTotalTimeout.nanoseconds)
                armBodyDeadline()
                if head.expectsContinue && parser.bufferedByteCount == 0 {
                    outbound += "HTTP/1.1 100 Continue\r\n\r\n".utf8
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
            respond(to: request)
        }
        return true
    }

    private func respond(to request: HTTPRequest) {
        let response = server.router.respond(to: request)
        let omitBody = request.method == .head
        switch response.body {
        case .bytes(let bytes):
            appendFixed(HTTPResponse(status: response.status, headers: response.headers, body: bytes),
                        omitBody: omitBody, acceptsGzip: Gzip.isAccepted(by: request.headers), path: request.path)
        case .stream(let producer):
            // HTTP/1.0 has no chunked coding: the body ends with the connection.
            let chunked = request.version.isAtLeast1_1
            if !chunked { keepAlive = false }
            var head: [UInt8] = []
            ResponseEncoder.appendHead(status: response.status, headers: response.headers,
                                       framing: !response.status.allowsBody ? .noBody : chunked ? .chunked : .untilClose,
                                       keepAlive: keepAlive, date: server.dates.current(),
                                       serverName: configuration.serverName, to: &head)
            guard !omitBody && response.status.allowsBody else {
                outbound += head
                if !keepAlive { enterClosing() }
                return
            }
            startStream(producer, of: response, head: head, chunked: chunked)
        }
    }

    private func startStream(_ producer: @escaping @Sendable (ResponseWriter) throws -> Void, of response: HTTPResponse,
                             head: [UInt8], chunked: Bool) {
        let channel = StreamChannel(limit: configuration.streamBufferLimit) { [self] in
            queue.async { [self] in drive() }
        }
        phase = .streaming(channel, pendingHead: head, chunked: chunked)
        stream = (response.status, response.onAnswered)
        deadline = nil
        let writer = ResponseWriter(channel: channel, chunked: chunked)
        // A thread of its own: producers are long compute loops that block in `flush`,
        // which must starve neither Dispatch's pool nor the cooperative one.
        let launch: @Sendable () -> Void = {
            let thread = Thread {
                // Named from inside, by the kernel's own call: tools (and a test) count
                // stream threads by the name, and Foundation's setter missed it now and
                // then (one run in three showed a Dispatch worker's name instead).
                _ = vaedyn_name_current_thread("http-stream")
                do {
                    try producer(writer)
                    writer.finish(failed: false)
                } catch let error as HTTPError {
                    writer.finish(failed: true, failure: error)
                } catch {
                    writer.finish(failed: true)
                }
            }
            thread.start()
        }
        // Before the start: a producer started during a shutdown sees the stop at once, and
        // an admission handler refuses (its stop handler runs as soon as it is added).
        if shuttingDown { channel.requestStop() }
        if let admission = response.admission {
            admission(StreamAdmission(writer: writer, launch: launch))
        } else {
            launch()
        }
    }

    /// Tells the stream's `onAnswered`, once, what the client was answered.
    private func reportAnswered(_ status: HTTPStatus) {
        let answered = stream.answered
        stream.answered = nil
        answered?(status)
    }

    /// Moves what the producer flushed into `outbound`; false when it has nothing new.
    private func pumpStream() -> Bool {
        guard case .streaming(let channel, let pendingHead, let chunked) = phase else { return false }
        switch channel.pull() {
        case .nothing:
            return false
        case .bytes(let bytes):
            if let pendingHead {
                outbound += pendingHead
                phase = .streaming(channel, pendingHead: nil, chunked: chunked)
                reportAnswered(stream.status)
            }
            outbound += bytes
        case .finished:
            if let pendingHead {
                outbound += pendingHead
                reportAnswered(stream.status)
            }
            if chunked { outbound += "0\r\n\r\n".utf8 }
            if keepAlive { phase = .reading } else { enterClosing() }
        case .failed(let failure):
            guard pendingHead != nil else {
                // Bytes already left: the missing last chunk is how the client learns the
                // body is incomplete.
                close()
                return false
            }
            phase = .reading
            let answer = failure ?? .internalError
            reportAnswered(answer.status)
            appendFixed(HTTPResponse.error(answer), omitBody: false, acceptsGzip: false)
        }
        return true
    }

    /// Queues a complete response, compressed when the client accepts gzip and it pays; the
    /// compressed form of a body with a strong ETag is kept for the next request of `path`.
    private func appendFixed(_ response: HTTPResponse, omitBody: Bool, acceptsGzip: @autoclosure () -> Bool, path: String? = nil) {
        guard case .bytes(var body) = response.body else { return }
        var headers = response.headers
        let compression = configuration.compression
        if compression.isEnabled, response.status.allowsBody, body.count >= compression.minimumLength,
           !headers.contains("Content-Encoding"), MediaType.isCompressible(headers["Content-Type"] ?? "") {
            headers.add("Vary", "Accept-Encoding")
            // A strong tag names these exact bytes, so their compressed form can be reused.
            let strongTag = headers["ETag"].flatMap { $0.hasPrefix("W/") ? nil : $0 }
            if acceptsGzip(), let compressed = gzip(body, cacheKey: path.flatMap { path in strongTag.map { path + " " + $0 } }) {
                body = compressed
                headers.add("Content-Encoding", "gzip")
                // The compressed bytes are another representation: a strong tag would claim
                // byte equality with the identity one.
                if let strongTag { headers.set("ETag", "W/" + strongTag) }
            }
        }
        ResponseEncoder.appendHead(status: response.status, headers: headers,
                                   framing: response.status.allowsBody ? .length(body.count) : .noBody,
                                   keepAlive: keepAlive, date: server.dates.current(),
                                   serverName: configuration.serverName, to: &outbound)
        if response.status.allowsBody && !omitBody { outbound += body }
        if !keepAlive { enterClosing() }
    }

    /// The gzip form of `body` if it is smaller, from the server's cache when `cacheKey` is given.
    private func gzip(_ body: [UInt8], cacheKey: String?) -> [UInt8]? {
        let level = configuration.compression.level
        let compress = { Gzip.compress(body, level: level).flatMap { $0.count < body.count ? $0 : nil } }
        guard let cacheKey else { return compress() }
        return server.gzipCache.body(for: cacheKey, compress: compress)
    }

    /// Answers a request that cannot be served and ends the connection: after a framing
    /// error nothing further on it can be trusted.
    private func reject(_ error: HTTPError) {
        keepAlive = false
        head = nil
        body = []
        appendFixed(.error(error), omitBody: false, acceptsGzip: false)
    }

    // MARK: Writing

    /// Sends queued bytes; false when the socket is full (the write source resumes
    /// `drive`) or the connection failed.
    private func flush() -> Bool {
        while sent < outbound.count {
            let result = outbound.withUnsafeBytes { bytes in
                let unsent = UnsafeRawBufferPointer(rebasing: bytes[sent...])
                return tls?.write(unsent) ?? Socket.send(descriptor, unsent)
            }
            switch result {
            case .moved(let count):
                sent += count
            case .wouldBlock:
                setWriting(true)
                arm(.writeStall, after: configuration.writeStallTimeout)
                return false
            case .ended, .failed:
                close()
                return false
            }
        }
        // A large body's buffer is not worth keeping for the next small response.
        if outbound.capacity > 1 << 20 { outbound = [] } else { outbound.removeAll(keepingCapacity: true) }
        sent = 0
        setWriting(false)
        if deadline?.kind == .writeStall { deadline = nil }
        return true
    }

    private func enterClosing() {
        phase = .closing
        deadline = nil
    }

    private func halfClose() {
        tls?.closeWrite()
        shutdown(descriptor, Int32(SHUT_WR))
        phase = .lingering
        if peerClosed {
            close()
        } else {
            arm(.linger, after: configuration.lingerTimeout)
        }
    }

    private func close() {
        if case .closed = phase { return }
        if case .streaming(let channel, _, _) = phase {
            channel.cancel()
            reportAnswered(.clientClosed)
        }
        phase = .closed
        deadline = nil
        timer.cancel()
        writeSource.cancel()
        setWriting(true)
    }

    // MARK: Waiting

    /// Picks the deadline and read interest for what the connection now waits for.
    private func settle() {
        let idle = outbound.count == sent
        switch phase {
        case .reading where idle:
            if peerClosed {
                close()
                return
            }
            if head != nil {
                if deadline?.kind != .body { armBodyDeadline() }
            } else if parser.isAtMessageBoundary {
                // Shutting down and between requests: nothing is owed to this client.
                if !keepAlive {
                    close()
                    return
                }
                if deadline?.kind != .idle { arm(.idle, after: configuration.idleTimeout) }
            } else if deadline?.kind != .header {
                arm(.header, after: configuration.headerReadTimeout)
            }
        case .streaming where idle:
            // The producer may compute for as long as it needs.
            deadline = nil
        case .closed:
            return
        default:
            break
        }
        let inputLimit = configuration.limits.maxRequestLineLength + configuration.limits.maxHeaderSectionLength
            + max(configuration.readBufferSize, 16 * 1024)
        switch phase {
        case .handshaking:
            setReading(!handshakeWantsWrite)
            setWriting(handshakeWantsWrite)
        case .reading, .streaming:
            // While a response streams, reading goes on only to notice a hang-up; input
            // beyond one request's head waits in the kernel.
            setReading(!peerClosed && parser.bufferedByteCount < inputLimit)
        case .lingering:
            setReading(true)
        case .closing, .closed:
            setReading(false)
        }
    }

    /// The next body bytes are due within the read timeout, and all of them by `bodyCompleteBy`.
    private func armBodyDeadline() {
        let next = DispatchTime.now() + .nanoseconds(configuration.bodyReadTimeout.nanoseconds)
        arm(.body, at: bodyCompleteBy.map { min($0, next) } ?? next)
    }

    private func arm(_ kind: DeadlineKind, after duration: Duration) {
        arm(kind, at: DispatchTime.now() + .nanoseconds(duration.nanoseconds))
    }

    private func arm(_ kind: DeadlineKind, at: DispatchTime) {
        deadline = (kind, at)
        // Deadlines move later far more often than earlier; the timer is only moved
        // earlier here, and catches up with later ones when it fires.
        if timerFiresAt.map({ at < $0 }) ?? true {
            timerFiresAt = at
            timer.schedule(deadline: at, leeway: .milliseconds(5))
        }
    }

    private func timerFired() {
        timerFiresAt = nil
        guard let deadline else { return }
        guard DispatchTime.now() >= deadline.at else {
            timerFiresAt = deadline.at
            timer.schedule(deadline: deadline.at, leeway: .milliseconds(5))
            return
        }
        self.deadline = nil
        switch deadline.kind {
        case .handshake:
            close()
        case .header, .body:
            guard case .reading = phase else { return close() }
            reject(HTTPError(.requestTimeout, code: "request_timeout", message: "The request took too long to arrive"))
            drive()
        case .idle, .writeStall, .linger:
            close()
        }
    }

    private func setReading(_ wanted: Bool) {
        guard wanted != reading else { return }
        reading = wanted
        if wanted { readSource.resume() } else { readSource.suspend() }
    }

    private func setWriting(_ wanted: Bool) {
        guard wanted != writing else { return }
        writing = wanted
        if wanted { writeSource.resume() } else { writeSource.suspend() }
    }
}
