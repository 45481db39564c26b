/// Netpbm greymaps: P2 (ASCII samples) and P5 (binary samples, 1 or 2 bytes each, big-endian),
/// with `#` comments in the header and any maxval from 1 to 65535.
public enum PGMCodec {
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = ImageLimits()) throws -> GreyImage {
        var i = 0
        func skipSpaceAndComments() {
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "#") {
                    while i < bytes.count && bytes[i] != 0x0A && bytes[i] != 0x0D { i += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C].contains(bytes[i]) {
                    i += 1
                } else { return }
            }
        }
        func number(_ what: String) throws -> Int {
            skipSpaceAndComments()
            var value = 0, digits = 0
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) {
                value = value * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
                guard value <= 1 << 24 else { throw ImageError("PGM \(what) is too large") }
            }
            guard digits > 0 else { throw ImageError("PGM header: expected the \(what), found \(i < bytes.count ? "byte \(bytes[i])" : "the end")") }
            return value
        }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "2") || bytes[1] == UInt8(ascii: "5") else {
            throw ImageError("not a PGM image (P2 or P5 expected)")
        }
        let binary = bytes[1] == UInt8(ascii: "5")
        i = 2
        let width = try number("width"), height = try number("height")
        try limits.check(width: width, height: height, format: "PGM")
        let maxval = try number("maxval")
        guard (1...65535).contains(maxval) else { throw ImageError("PGM maxval \(maxval) is outside 1...65535") }
        let count = width * height
        var pixels = [Float](repeating: 0, count: count)
        if binary {
            // Exactly one whitespace byte separates the header from the samples.
            guard i < bytes.count else { throw ImageError("PGM ends after its header") }
            i += 1
            let width2 = maxval > 255 ? 2 : 1
            guard bytes.count - i >= count * width2 else {
                throw ImageError("PGM is truncated: \(count * width2) sample bytes expected, \(bytes.count - i) present")
            }
            for p in 0..<count {
                let v = width2 == 2 ? Int(bytes[i + 2 * p]) << 8 | Int(bytes[i + 2 * p + 1]) : Int(bytes[i + p])
                guard v <= maxval else { throw ImageError("PGM sample \(v) exceeds maxval \(maxval)") }
                pixels[p] = Float(v) / Float(maxval)
            }
        } else {
            for p in 0..<count {
                let v: Int
                do { v = try number("sample \(p + 1) of \(count)") } catch { throw ImageError("PGM is truncated or malformed at sample \(p + 1) of \(count)") }
                guard v <= maxval else { throw ImageError("PGM sample \(v) exceeds maxval \(maxval)") }
                pixels[p] = Float(v) / Float(maxval)
            }
        }
        return GreyImage(width: width, height: height, pixels: pixels)
    }
}
