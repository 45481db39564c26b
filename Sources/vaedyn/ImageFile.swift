import Dynamics
import Foundation

/// Reads one input image: a binary PGM (P5, 8-bit) or a raw file of exactly `pixels` bytes.
enum ImageFile {
    static func read(_ path: String, pixels: Int) throws -> [UInt8] {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        if data.count == pixels { return data }
        guard data.starts(with: Array("P5".utf8)) else {
            throw CLIError("\(path): neither a binary PGM (P5) nor \(pixels) raw bytes (\(data.count) bytes)")
        }
        // Header: P5, width, height, maxval, separated by whitespace (comments start with #), one whitespace byte, then pixels.
        var fields: [Int] = [], i = 2
        while fields.count < 3 && i < data.count {
            while i < data.count, data[i] == UInt8(ascii: "#") || isSpace(data[i]) {
                if data[i] == UInt8(ascii: "#") { while i < data.count, data[i] != 0x0A { i += 1 } } else { i += 1 }
            }
            var value = 0, digits = 0
            while i < data.count, (48...57).contains(data[i]) {
                value = value * 10 + Int(data[i] - 48)
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw CLIError("\(path): malformed PGM header") }
            fields.append(value)
        }
        guard fields.count == 3, fields[2] == 255 else { throw CLIError("\(path): only 8-bit PGM (maxval 255) is read") }
        guard fields[0] * fields[1] == pixels else {
            throw CLIError("\(path): \(fields[0])x\(fields[1]) pixels; the model takes \(pixels)")
        }
        let body = data.dropFirst(i + 1)
        guard body.count == pixels else { throw CLIError("\(path): PGM holds \(body.count) pixel bytes, expected \(pixels)") }
        return Array(body)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
