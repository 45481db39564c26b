/// The chunk layout of a PNG file (after the signature: length, type, data, CRC), read
/// before libpng sees the file. libpng allocates a chunk's buffer at its declared length
/// before reading it, up to 2 GB for a 100-byte file; refusing any chunk that claims more
/// bytes than the file holds bounds every such allocation by the file's own size, and
/// refuses only files that are broken anyway: such a chunk cannot be complete.
public enum PNGChunks {
    public struct Chunk: Sendable {
        /// The four type bytes as text, e.g. "IHDR".
        public let type: String
        /// Where the type and data are in the file: what the CRC covers.
        public let checked: Range<Int>
        /// Where the CRC is.
        public let crc: Range<Int>
    }

    /// Every chunk up to IEND (or up to the end when there is none); what follows IEND is
    /// not part of the image and is left alone, as libpng leaves it.
    public static func scan(_ bytes: [UInt8]) throws -> [Chunk] {
        guard bytes.starts(with: DigitImage.pngSignature) else { throw ImageError("not a PNG: the signature is missing") }
        var chunks: [Chunk] = []
        var start = DigitImage.pngSignature.count
        while start < bytes.count && chunks.last?.type != "IEND" {
            guard bytes.count - start >= 12 else { throw ImageError("PNG ends inside the chunk at byte \(start)") }
            let length = bytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[start + 4..<start + 8], as: UTF8.self)
            guard length <= bytes.count - start - 12 else {
                throw ImageError("PNG chunk '\(type)' claims \(length) bytes; only \(bytes.count - start - 12) follow")
            }
            let crcStart = start + 8 + length
            chunks.append(Chunk(type: type, checked: start + 4..<crcStart, crc: crcStart..<crcStart + 4))
            start = crcStart + 4
        }
        return chunks
    }
}
