/// An error a handler throws to answer with a JSON error body instead of a 500; the router
/// also uses it for 404 and 405. `code` is a stable machine-readable name ("not_found"),
/// `message` is for people.
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

    static let internalError = HTTPError(.internalServerError, code: "internal_error", message: "The server failed to produce a response")

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

    var jsonBody: [UInt8] {
        Array("{\"error\":{\"code\":\(JSONString.quote(code)),\"message\":\(JSONString.quote(message))}}".utf8)
    }
}

enum JSONString {
    /// A JSON string literal (RFC 8259 §7).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
