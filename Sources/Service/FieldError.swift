import HTTP

/// A request field that breaks a rule: answered with 422 and a body naming both.
public struct FieldError: Error, Sendable, Equatable {
    public let field: String
    public let rule: String

    public init(_ field: String, _ rule: String) {
        self.field = field
        self.rule = rule
    }

    var httpError: HTTPError {
        HTTPError(.unprocessableContent, code: "invalid_field", message: "\(field): \(rule)")
    }
}

extension HTTPError {
    static func unsupportedMediaType(_ type: String?) -> HTTPError {
        HTTPError(.unsupportedMediaType, code: "unsupported_media_type",
                  message: "send \((["application/json"] + ChainRequest.imageMediaTypes).joined(separator: ", ")), not \(type ?? "no Content-Type")")
    }

    static func invalidJSON(_ why: String) -> HTTPError {
        HTTPError(.badRequest, code: "invalid_json", message: "the body is not valid JSON: \(why)")
    }
}
