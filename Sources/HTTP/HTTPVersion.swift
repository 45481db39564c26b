/// The protocol version of a request. Only major version 1 is parsed; the parser answers
/// 505 for any other major version.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// HTTP/1.1 semantics (keep-alive by default, Host required, chunked allowed) apply to
    /// every 1.x version above 1.0 (RFC 9110 §6.2: a 1.x recipient treats later minors as 1.1).
    var isAtLeast1_1: Bool { major > 1 || (major == 1 && minor >= 1) }

    public var description: String { "HTTP/\(major).\(minor)" }
}
