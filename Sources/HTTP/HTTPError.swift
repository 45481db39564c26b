/// An error a handler throws to be answered with it instead of a 500, in the shape the
/// server's `errorResponse` gives it; the router also throws it for 404 and 405. `code` is
/// a stable machine-readable name ("not_found"), `message` is for people.
public struct HTTPError: Error, Sendable, Equatable {
    public var status: HTTPStatus
    public var code: String
    public var message: String
    /// Extra headers such as `Allow` for 405.
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func notFound(_ message: String = "No such resource") -> HTTPError {
        HTTPError(.notFound, code: "not_found", message: message)
    }

    public static func badRequest(_ message: String) -> HTTPError {
        HTTPError(.badRequest, code: "bad_request", message: message)
    }

    public static let internalError = HTTPError(.internalServerError, code: "internal_error", message: "The server failed to produce a response")

    /// The error a parse failure is answered with.
    init(_ error: HTTPParseError) {
        switch error {
        case .requestLineTooLong: self.init(error.status, code: "uri_too_long", message: "The request line is too long")
        case .headerSectionTooLarge: self.init(error.status, code: "headers_too_large", message: "The header section is too large")
        case .bodyTooLarge: self.init(error.status, code: "body_too_large", message: "The request body is too large")
        case .unsupportedTransferCoding: self.init(error.status, code: "unsupported_transfer_coding", message: "Only the chunked transfer coding is supported")
        case .unsupportedVersion: self.init(error.status, code: "unsupported_version", message: "Only HTTP/1.x is supported")
        case .unsupportedExpectation: self.init(error.status, code: "unsupported_expectation", message: "Only Expect: 100-continue is supported")
        case .malformed(let reason): self.init(error.status, code: "bad_request", message: "Malformed request: \(reason)")
        }
    }
}
