#if canImport(Glibc)
import Glibc
#endif

extension HTTPServer {
    /// Every limit and timeout of the server, with the defaults of issue #4; the service
    /// layer fills it from its configuration files.
    public struct Configuration: Sendable {
        /// A numeric address or a name; every address it resolves to is listened on.
        /// "::" listens on IPv6 and IPv4 together.
        public var host = "127.0.0.1"
        /// 0 picks a free port; `HTTPServer.port` tells which.
        public var port: UInt16 = 8080
        public var backlog: Int32 = 511
        /// Open connections beyond this get 503 and are closed.
        public var maxConnections = 1024
        public var limits = RequestLimits()

        /// Serves HTTPS instead of HTTP when set.
        public var tls: TLSContext?
        /// Longest a TLS handshake may take before the connection is closed.
        public var tlsHandshakeTimeout: Duration = .seconds(10)

        /// From the first byte of a request to the end of its header section (408 after).
        /// A new connection that sends nothing for this long is closed without a response.
        public var headerReadTimeout: Duration = .seconds(10)
        /// Between requests on a kept-alive connection (closed silently after).
        public var idleTimeout: Duration = .seconds(60)
        /// Longest wait for the next bytes of a request body (408 after).
        public var bodyReadTimeout: Duration = .seconds(30)
        /// Longest time a whole request body may take, from the end of its head (408 after):
        /// without it a client sending a byte just inside `bodyReadTimeout` holds a
        /// connection for as long as it likes.
        public var bodyTotalTimeout: Duration = .seconds(60)
        /// Longest time a client may leave queued response bytes unread (connection dropped,
        /// a stream cancelled).
        public var writeStallTimeout: Duration = .seconds(30)
        /// After a response that closes the connection, how long unread input is drained so
        /// the client sees the response rather than a reset.
        public var lingerTimeout: Duration = .seconds(2)
        /// On shutdown, how long in-flight responses may run before connections are cut.
        public var shutdownGracePeriod: Duration = .seconds(10)

        /// Serial queues the connections are spread over; twice the cores measured best.
        public var eventQueueCount = 2 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        /// Bytes read per system call; never below 16 KiB.
        public var readBufferSize = 64 * 1024
        /// Threads streaming producers run on (`ProducerPool`); more streams wait for one,
        /// holding no thread. An application that admits its computations sets its limit.
        public var producerThreads = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        /// Response bytes a connection holds before a streaming producer is paused.
        public var streamBufferLimit = 256 * 1024
        public var compression = Compression()
        /// The `Server` header value.
        public var serverName = "vaedyn"

        public init() {}
    }

    public struct Compression: Sendable {
        public var isEnabled = true
        /// Smaller bodies are sent as they are: the gzip header and the CPU are not worth it.
        public var minimumLength = 1024
        /// zlib level, 1 (fast) to 9 (small).
        public var level: Int32 = 6

        public init() {}
    }
}

extension Duration {
    var nanoseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }
}
