import HTTP

/// The catalogue documents (/concepts, /exemplars, /model) depend only on the model and on
/// a validated query, so each is encoded once and then served as bytes with a strong ETag,
/// which also lets the server keep its gzip form: encoding /exemplars took about 30 ms, on
/// an event queue that other connections share. Keys are made after validation, so there
/// are only as many as valid queries (a few dozen).
final class DocumentCache: Sendable {
    /// Ties the tags to the model file: another model gives other tags.
    private let tagPrefix: String
    private let bodies = Locked<[String: [UInt8]]>([:])

    init(modelSHA256: String) {
        tagPrefix = String(modelSHA256.prefix(16))
    }

    func response(_ key: String, encode: () throws -> [UInt8]) rethrows -> HTTPResponse {
        let body: [UInt8]
        if let cached = bodies.withLock({ $0[key] }) {
            body = cached
        } else {
            body = try encode()
            bodies.withLock { $0[key] = body }
        }
        var response = HTTPResponse.json(body)
        response.headers.set("ETag", "\"\(tagPrefix)-\(key)\"")
        return response
    }
}
