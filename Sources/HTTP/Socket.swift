#if canImport(Glibc)
import Glibc
#endif

/// A failed socket call, with the errno that explains it.
public struct SocketError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// The system calls around descriptors, kept out of the connection logic.
enum Socket {
    /// Non-blocking listening sockets on every address `host` resolves to, all on one port
    /// (the one the system picked for the first, when `port` is 0).
    static func listen(host: String, port: UInt16, backlog: Int32) throws -> [Int32] {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var descriptors: [Int32] = []
        var chosenPort = port
        do {
            for address in try resolve(host: host, port: port, hints: hints) {
                var address = address
                if chosenPort != port { setPort(&address, chosenPort) }
                let descriptor = try bind(address, dualStack: host == "::")
                descriptors.append(descriptor)
                guard Glibc.listen(descriptor, backlog) == 0 else { throw SocketError("listen") }
                if chosenPort == 0 { chosenPort = localPort(descriptor) ?? 0 }
            }
        } catch {
            descriptors.forEach { _ = close($0) }
            throw error
        }
        return descriptors
    }

    /// A blocking socket connected to the first address `host` resolves to that answers;
    /// `timeout` bounds the connect and every later send and receive.
    static func connect(host: String, port: UInt16, timeout: Duration) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var lastError = SocketError("connect \(host):\(port): no address", code: EADDRNOTAVAIL)
        for address in try resolve(host: host, port: port, hints: hints) {
            var address = address
            let family = Int32(address.ss_family)
            let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw SocketError("socket") }
            var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
                setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
            }
            let length = socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, length) }
            }
            if status == 0 { return descriptor }
            lastError = SocketError("connect \(host):\(port)")
            close(descriptor)
        }
        throw lastError
    }

    private static func resolve(host: String, port: UInt16, hints: addrinfo) throws -> [sockaddr_storage] {
        var hints = hints
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw SocketError("getaddrinfo \(host): \(String(cString: gai_strerror(status)))", code: 0)
        }
        defer { freeaddrinfo(list) }
        var addresses: [sockaddr_storage] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: current.pointee.ai_addr, count: Int(current.pointee.ai_addrlen)))
            }
            addresses.append(storage)
            entry = current.pointee.ai_next
        }
        return addresses
    }

    private static func bind(_ address: sockaddr_storage, dualStack: Bool) throws -> Int32 {
        let family = Int32(address.ss_family)
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError("socket") }
        do {
            try setOption(descriptor, SOL_SOCKET, SO_REUSEADDR, 1)
            if family == AF_INET6 {
                // Listening on "::" takes IPv4 too; a specific IPv6 address must not, or it
                // would collide with the IPv4 address of the same name ("localhost").
                try setOption(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, dualStack ? 0 : 1)
            }
            try setNonBlocking(descriptor)
            var address = address
            let length = socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) }
            }
            guard status == 0 else { throw SocketError("bind") }
            return descriptor
        } catch {
            close(descriptor)
            throw error
        }
    }

    private static func setPort(_ address: inout sockaddr_storage, _ port: UInt16) {
        withUnsafeMutablePointer(to: &address) { pointer in
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = port.bigEndian }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = port.bigEndian }
            }
        }
    }

    static func localPort(_ descriptor: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafePointer(to: &storage) { pointer in
            Int32(pointer.pointee.ss_family) == AF_INET6
                ? pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
                : pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    /// The next pending connection, non-blocking and close-on-exec (`accept4` is not
    /// visible from Swift on Glibc); nil when the backlog is empty.
    static func accept(_ listener: Int32) throws -> Int32? {
        while true {
            let descriptor = Glibc.accept(listener, nil, nil)
            if descriptor >= 0 {
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                do {
                    try setNonBlocking(descriptor)
                    // Responses leave in one send each; waiting for an ACK would only add latency.
                    try setOption(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
                    // Without a bound on unsent bytes, a large response to a client that
                    // reads slowly is taken whole by the kernel in one long send (10-30 ms
                    // here, holding a shared event queue) and the write-stall deadline never
                    // starts; with it, send stops at EAGAIN and the deadline applies.
                    try setOption(descriptor, Int32(IPPROTO_TCP), TCP_NOTSENT_LOWAT, 128 * 1024)
                } catch {
                    close(descriptor)
                    continue
                }
                return descriptor
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return nil
            case EINTR, ECONNABORTED, EPROTO: continue
            default: throw SocketError("accept")
            }
        }
    }

    static func receive(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> StreamIO {
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 { return .moved(count) }
            if count == 0 { return .ended }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed
            }
        }
    }

    static func send(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> StreamIO {
        while true {
            let count = Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .moved(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed
            }
        }
    }

    static func setNonBlocking(_ descriptor: Int32) throws {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw SocketError("fcntl") }
    }

    private static func setOption(_ descriptor: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError("setsockopt")
        }
    }
}
