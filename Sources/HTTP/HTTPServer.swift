import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on non-blocking sockets and Dispatch.
///
///     var router = Router()
///     router.get("/healthz") { _ in .text("ok") }
///     let server = HTTPServer(configuration: configuration, router: router)
///     try server.run()   // until SIGINT or SIGTERM
///
/// or `start()`, then `shutdown()` and `wait()` for embedding and tests.
public final class HTTPServer: Sendable {
    private enum Lifecycle {
        case idle, running, stopping, stopped
    }

    private struct State {
        var lifecycle = Lifecycle.idle
        var listeners: [Listener] = []
        var connections: [ObjectIdentifier: Connection] = [:]
        var port: UInt16?
    }

    public let configuration: Configuration
    let router: Router
    /// How an error is answered: the application's shape for it (`HTTPResponse.plain` by default).
    let errorResponse: @Sendable (HTTPError) -> HTTPResponse
    let dates = DateCache()
    /// Where streaming producers run (`Configuration.producerThreads`).
    let producers: ProducerPool
    let gzipCache = GzipCache()
    private let state = Locked(State())
    private let stopped = DispatchGroup()
    /// Connection queues are spread over a few serial queues: a busy thread drains the events
    /// of many connections in one go instead of a thread being woken for each (measured: about
    /// 1.5x the requests/s of targeting the global queue directly).
    private let eventQueues: [DispatchQueue]
    private let nextQueue = Atomic<Int>(0)

    /// `errorResponse` turns every error the server answers with into a response: a
    /// handler's, the router's 404 and 405, a parse failure, a timeout, the connection limit.
    public init(configuration: Configuration = Configuration(), router: Router,
                errorResponse: @escaping @Sendable (HTTPError) -> HTTPResponse = HTTPResponse.plain) {
        self.configuration = configuration
        self.router = router
        self.errorResponse = errorResponse
        producers = ProducerPool(size: max(1, configuration.producerThreads))
        eventQueues = (0..<max(1, configuration.eventQueueCount)).map { DispatchQueue(label: "http.events.\($0)") }
    }

    /// The port listened on (the one chosen for port 0), once started.
    public var port: UInt16? { state.withLock { $0.port } }

    /// Open connections, those being refused with 503 excluded.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds and starts accepting; returns at once.
    public func start() throws {
        // A peer that resets while we write must cost an EPIPE, not the process.
        signal(SIGPIPE, SIG_IGN)
        let descriptors = try Socket.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let listeners = descriptors.map { descriptor in
            Listener(descriptor: descriptor) { [self] connection in accepted(connection) }
        }
        try state.withLock { state in
            guard state.lifecycle == .idle else {
                descriptors.forEach { _ = close($0) }
                throw SocketError("start: the server was already started", code: EALREADY)
            }
            state.lifecycle = .running
            state.listeners = listeners
            state.port = descriptors.first.flatMap(Socket.localPort)
        }
        stopped.enter()
        listeners.forEach { $0.start() }
    }

    /// Stops accepting, lets in-flight responses finish within
    /// `configuration.shutdownGracePeriod`, then closes what is left. Returns at once.
    public func shutdown() {
        let (listeners, connections) = state.withLock { state -> ([Listener], [Connection]) in
            guard state.lifecycle == .running else { return ([], []) }
            state.lifecycle = .stopping
            defer { state.listeners = [] }
            return (state.listeners, Array(state.connections.values))
        }
        guard !listeners.isEmpty else { return }
        listeners.forEach { $0.stop() }
        // Each connection cuts itself at the end of the grace period.
        connections.forEach { $0.beginShutdown() }
        finishIfDrained()
    }

    /// Blocks until a shutdown has closed every connection.
    public func wait() {
        stopped.wait()
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    public func run() throws {
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in shutdown() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        try start()
        wait()
    }

    private func accepted(_ descriptor: Int32) {
        var tls: TLSSession?
        if let context = configuration.tls {
            // Out of memory for a session: the client gets a closed connection, not a hang.
            guard let session = TLSSession(context: context, descriptor: descriptor) else {
                close(descriptor)
                return
            }
            tls = session
        }
        let admission = state.withLock { state -> (Connection, admitted: Bool)? in
            guard state.lifecycle == .running else { return nil }
            let connection = Connection(descriptor: descriptor, tls: tls, server: self,
                                        queue: DispatchQueue(label: "http.connection", target: nextEventQueue()))
            // Refused connections are not counted: they only linger long enough to be told.
            guard state.connections.count < configuration.maxConnections else { return (connection, false) }
            state.connections[ObjectIdentifier(connection)] = connection
            return (connection, true)
        }
        guard let (connection, admitted) = admission else {
            // Shutting down: no source watches this descriptor, so closing it here is safe.
            close(descriptor)
            return
        }
        connection.start(rejecting: !admitted)
    }

    private func nextEventQueue() -> DispatchQueue {
        eventQueues[nextQueue.wrappingAdd(1, ordering: .relaxed).oldValue % eventQueues.count]
    }

    func connectionDidClose(_ connection: Connection) {
        state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
        finishIfDrained()
    }

    private func finishIfDrained() {
        let finished = state.withLock { state -> Bool in
            guard state.lifecycle == .stopping, state.connections.isEmpty else { return false }
            state.lifecycle = .stopped
            return true
        }
        if finished { stopped.leave() }
    }
}
