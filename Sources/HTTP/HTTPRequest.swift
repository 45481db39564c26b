/// A complete request as a handler sees it: the head, the whole body (bounded by
/// `RequestLimits.maxBodyLength`) and the parameters the matching route captured.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as sent.
    public var target: String
    /// The path, still percent-encoded.
    public var path: String
    /// What follows "?" in the target, still percent-encoded.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Values of the route's `:name` segments, percent-decoded.
    public var pathParameters: [String: String]

    public init(method: HTTPMethod, target: String, path: String, query: String? = nil,
                version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], pathParameters: [String: String] = [:]) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.pathParameters = pathParameters
    }

    init(head: RequestHead, body: [UInt8]) {
        self.init(method: head.method, target: head.target, path: head.path, query: head.query,
                  version: head.version, headers: head.headers, body: body)
    }

    /// The query's name/value pairs in order, decoded as a form (`+` is a space); pairs
    /// that do not decode are left out.
    public var queryItems: [(name: String, value: String)] {
        guard let query else { return [] }
        return query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in PercentDecoding.decode(String(part.map { $0 == "+" ? " " : $0 })) }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            return (name, value)
        }
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }
}
