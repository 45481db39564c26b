/// Percent-decoding of path segments and query components (RFC 3986 §2.1).
enum PercentDecoding {
    /// The decoded string, or nil for a malformed escape, a decoded NUL or bytes that are
    /// not UTF-8: none of those can name a route parameter or a file we serve.
    static func decode(_ text: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(ByteClass.hexValue),
                  let low = iterator.next().flatMap(ByteClass.hexValue) else { return nil }
            bytes.append(UInt8(high << 4 | low))
        }
        guard !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
