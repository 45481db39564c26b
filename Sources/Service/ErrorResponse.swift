import Foundation
import HTTP

/// The API's error shape, `{"error": {"code": ..., "message": ...}}`, given to the server as
/// its `errorResponse`: every error it answers with takes it, whoever raised it (a route, the
/// router's 404 and 405, the parser, a deadline, the connection limit, a stream that failed
/// before its first byte).
enum ErrorResponse {
    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    @Sendable static func make(_ error: HTTPError) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Two strings cannot fail to encode.
        let body = (try? encoder.encode(Body(error: .init(code: error.code, message: error.message)))) ?? Data()
        var response = HTTPResponse.json(Array(body), status: error.status)
        for field in error.headers { response.headers.add(field.name, field.value) }
        return response
    }
}
