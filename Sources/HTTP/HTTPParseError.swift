/// Why a request could not be parsed. Every case ends the connection after its response:
/// once framing is in doubt, nothing after it on the connection can be trusted.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// Request line longer than the limit (414).
    case requestLineTooLong
    /// Header or trailer section over the size or field-count limit (431).
    case headerSectionTooLarge
    /// Declared or received body over the limit (413).
    case bodyTooLarge
    /// A transfer coding other than chunked (501).
    case unsupportedTransferCoding
    /// A major version other than 1 (505).
    case unsupportedVersion
    /// An `Expect` other than 100-continue (417).
    case unsupportedExpectation
    /// Anything else that breaks RFC 9112 (400); the reason is for logs and tests.
    case malformed(String)

    public var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: .uriTooLong
        case .headerSectionTooLarge: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedTransferCoding: .notImplemented
        case .unsupportedVersion: .httpVersionNotSupported
        case .unsupportedExpectation: .expectationFailed
        case .malformed: .badRequest
        }
    }
}
