/// A path pattern such as `/models/:id/samples`: literal segments match exactly (still
/// percent-encoded, as sent), `:name` segments match any one non-empty segment and capture
/// it percent-decoded.
struct RoutePattern: Sendable {
    private enum Segment: Sendable {
        case literal(Substring)
        case parameter(String)
    }

    private let segments: [Segment]

    init(_ pattern: String) {
        segments = Self.split(pattern).map { segment in
            segment.hasPrefix(":") ? .parameter(String(segment.dropFirst())) : .literal(segment)
        }
    }

    /// The captured parameters, or nil when the path does not match; a parameter that does
    /// not percent-decode makes the path not match.
    func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let literal):
                guard literal == part else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let value = PercentDecoding.decode(part) else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    static func split(_ path: String) -> [Substring] {
        path.dropFirst(path.hasPrefix("/") ? 1 : 0).split(separator: "/", omittingEmptySubsequences: false)
    }
}
