/// Answers a request: runs on the connection's queue, so it should not block for long
/// (stream the response instead when it has to compute).
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Method + path-pattern routes, then static-file mounts by longest prefix.
/// No route for the path: 404; a route for the path but not the method: 405 with `Allow`.
/// A GET route also answers HEAD.
public struct Router: Sendable {
    private struct Route: Sendable {
        var method: HTTPMethod
        var pattern: RoutePattern
        var handler: HTTPHandler
    }

    private struct Mount: Sendable {
        /// Ends with "/".
        var prefix: String
        var files: StaticFiles
    }

    private var routes: [Route] = []
    private var mounts: [Mount] = []

    public init() {}

    /// Patterns are paths whose `:name` segments capture into `HTTPRequest.pathParameters`.
    public mutating func on(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPHandler) {
        routes.append(Route(method: method, pattern: RoutePattern(pattern), handler: handler))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) { on(.get, pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping HTTPHandler) { on(.post, pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping HTTPHandler) { on(.put, pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping HTTPHandler) { on(.delete, pattern, handler) }

    /// Serves `files` under `prefix` ("/" for the site root, "/vendor/" for a second root);
    /// any number of mounts, the longest matching prefix wins, routes win over mounts.
    public mutating func mount(_ files: StaticFiles, at prefix: String = "/") {
        var prefix = prefix.hasPrefix("/") ? prefix : "/" + prefix
        if !prefix.hasSuffix("/") { prefix += "/" }
        mounts.append(Mount(prefix: prefix, files: files))
        mounts.sort { $0.prefix.count > $1.prefix.count }
    }

    /// The response for a request, or the handler's error, or `HTTPError` 404 or 405: the
    /// connection turns every error into a response in one place, with the server's
    /// `errorResponse` (the application owns its error body's shape).
    public func respond(to request: HTTPRequest) throws -> HTTPResponse {
        let path = RoutePattern.split(request.path)
        var allowed: [HTTPMethod] = []
        var fallback: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.pattern.match(path) else { continue }
            if route.method == request.method {
                var request = request
                request.pathParameters = parameters
                return try route.handler(request)
            }
            if request.method == .head && route.method == .get && fallback == nil {
                fallback = (route, parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = fallback {
            var request = request
            request.pathParameters = parameters
            return try route.handler(request)
        }
        if !allowed.isEmpty {
            if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
            throw Self.methodNotAllowed(allowed)
        }
        let directory = request.path.hasSuffix("/") ? request.path : request.path + "/"
        if let mount = mounts.first(where: { directory.hasPrefix($0.prefix) }) {
            guard request.method == .get || request.method == .head else {
                throw Self.methodNotAllowed([.get, .head])
            }
            return try mount.files.respond(to: request, relativePath: request.path.dropFirst(mount.prefix.count))
        }
        throw HTTPError.notFound()
    }

    private static func methodNotAllowed(_ allowed: [HTTPMethod]) -> HTTPError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return HTTPError(.methodNotAllowed, code: "method_not_allowed",
                         message: "Allowed methods: \(list)", headers: ["Allow": list])
    }
}
