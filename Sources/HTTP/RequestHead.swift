/// The request line and header section of one request, as the parser validated them.
public struct RequestHead: Sendable, Equatable {
    public enum BodyFraming: Sendable, Equatable {
        case none
        case length(Int)
        case chunked
    }

    public var method: HTTPMethod
    /// The request-target exactly as sent.
    public var target: String
    /// The path of the target, still percent-encoded ("/" for asterisk-form).
    public var path: String
    /// What follows "?" in the target, still percent-encoded.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: BodyFraming
    /// Whether the client lets the connection stay open after this exchange.
    public var keepAlive: Bool
    /// `Expect: 100-continue` was sent, so the client may wait before sending the body.
    public var expectsContinue: Bool
}
