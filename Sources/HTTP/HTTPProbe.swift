#if canImport(Glibc)
import Glibc
#endif

/// One blocking GET, for health checks from outside the server process (a container's
/// HEALTHCHECK runs `vaedyn health`): connects, speaks TLS when asked (trusting any
/// certificate: the probe checks that the server answers, not who it is), and returns the
/// status code of the response.
public enum HTTPProbe {
    public static func status(host: String, port: UInt16, path: String, tls: Bool, timeout: Duration) throws -> Int {
        let descriptor = try Socket.connect(host: host, port: port, timeout: timeout)
        defer { close(descriptor) }
        var session: TLSSession?
        if tls {
            guard let client = TLSSession(context: try TLSContext.probeClient(), descriptor: descriptor, role: .client),
                  client.handshake() == .complete else {
                throw ProbeError("TLS handshake with \(host):\(port) failed")
            }
            session = client
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let result = request.withUnsafeBytes { bytes in
                let rest = UnsafeRawBufferPointer(rebasing: bytes[sent...])
                return session?.write(rest) ?? Socket.send(descriptor, rest)
            }
            guard case .moved(let count) = result else { throw ProbeError("send to \(host):\(port) failed") }
            sent += count
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        // "HTTP/1.1 200" is all that is needed.
        while reply.count < 12 {
            let result = buffer.withUnsafeMutableBytes { session?.read(into: $0) ?? Socket.receive(descriptor, into: $0) }
            switch result {
            case .moved(let count): reply += buffer[..<count]
            case .wouldBlock: throw ProbeError("no response from \(host):\(port) in time")
            // What a TLS server does with plain HTTP, among other things.
            case .ended, .failed: throw ProbeError("\(host):\(port) closed the connection without an answer (is TLS \(tls ? "off" : "on") there?)")
            }
        }
        let statusLine = String(decoding: reply.prefix(12), as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1."), let code = Int(statusLine.suffix(3)) else {
            throw ProbeError("\(host):\(port) did not answer in HTTP: \(statusLine.debugDescription)")
        }
        return code
    }
}

/// Why `HTTPProbe` got no status code.
public struct ProbeError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) { self.description = description }
}
