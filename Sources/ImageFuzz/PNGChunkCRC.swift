import CZlib
import Imaging

/// libpng refuses a chunk whose CRC is wrong, so almost every random mutation of a PNG
/// stops at the first chunk it touches; a copy with every CRC recomputed lets the same
/// mutation reach libpng's chunk parsers and the inflater.
enum PNGChunkCRC {
    /// `bytes` with the CRC of every chunk recomputed; unchanged when PNGCodec would refuse
    /// the layout before libpng sees it.
    static func fixed(_ bytes: [UInt8]) -> [UInt8] {
        guard let chunks = try? PNGChunks.scan(bytes) else { return bytes }
        var out = bytes
        for chunk in chunks {
            let crc = out[chunk.checked].withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
            for (k, at) in chunk.crc.enumerated() { out[at] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
        }
        return out
    }
}
