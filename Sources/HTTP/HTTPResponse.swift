/// What a handler answers: a status, headers and either the whole body or a producer that
/// streams it.
///
/// The server owns framing: `Content-Length`, `Transfer-Encoding` and `Connection` set by
/// a handler are replaced; `Date` and `Server` are added.
public struct HTTPResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Runs on a thread of the server's producer pool once the response starts; see `ResponseWriter`.
        case stream(@Sendable (ResponseWriter) throws -> Void)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body
    /// For a stream: decides when its producer may start (see `StreamAdmission`). Without
    /// it the producer's thread starts as soon as the response does.
    public var admission: (@Sendable (StreamAdmission) -> Void)?
    /// For a stream: told once, on the connection's queue, the status the client was really
    /// answered: the stream's own once its first bytes leave, the error it failed with
    /// before that, or `clientClosed` (499) when the client left before any answer.
    public var onAnswered: (@Sendable (HTTPStatus) -> Void)?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(),
                stream producer: @escaping @Sendable (ResponseWriter) throws -> Void) {
        self.status = status
        self.headers = headers
        self.body = .stream(producer)
    }

    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// A JSON body already encoded by the caller (this module has no model types to encode).
    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// The answer to an error when the application gives the server no `errorResponse`
    /// of its own: "code: message" as text, with the error's headers (`Allow`, `Retry-After`).
    public static func plain(_ error: HTTPError) -> HTTPResponse {
        var response = text("\(error.code): \(error.message)\n", status: error.status)
        for field in error.headers { response.headers.add(field.name, field.value) }
        return response
    }
}
