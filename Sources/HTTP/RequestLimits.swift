/// Size limits the parser enforces while bytes arrive, before anything is buffered past them.
public struct RequestLimits: Sendable, Equatable {
    /// Request line, CRLF excluded (414 beyond).
    public var maxRequestLineLength = 8 * 1024
    /// Header section: the field lines' bytes, CRLFs excluded (431 beyond). Chunked
    /// trailers get the same budget.
    public var maxHeaderSectionLength = 32 * 1024
    /// Field lines in the header section, and separately in the trailers (431 beyond).
    public var maxHeaderCount = 100
    /// Request body after transfer decoding (413 beyond).
    public var maxBodyLength = 1024 * 1024
    /// A chunk-size line with its extensions (400 beyond): extensions carry nothing we use,
    /// so a long one is only a way to make us buffer.
    public var maxChunkLineLength = 4 * 1024

    public init() {}
}
