
/// Compressed bodies of responses that carry a strong ETag, so that a file or document
/// served again is not compressed again: gzip costs about 8 ms per 100 KB of JSON here, on
/// an event queue that other connections share. Keyed by the request path and the tag (a
/// tag need only be unique per resource); bounded in bytes.
final class GzipCache: Sendable {
    static let capacity = 32 << 20
    private struct State {
        /// nil: compression did not pay for this body.
        var entries: [String: [UInt8]?] = [:]
        var bytes = 0
    }

    private let state = Locked(State())

    /// The compressed body cached under `key`, or `compress()`'s, then cached.
    func body(for key: String, compress: () -> [UInt8]?) -> [UInt8]? {
        if let cached = state.withLock({ $0.entries[key] }) { return cached }
        let compressed = compress()
        state.withLock { state in
            let size = compressed?.count ?? 0
            // Crude but bounded: a full cache starts over.
            if state.bytes + size > Self.capacity {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            if state.entries.updateValue(compressed, forKey: key) == nil { state.bytes += size }
        }
        return compressed
    }
}
