import Foundation

public struct IDXError: Error, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "\(file): \(problem)" }
}

/// An IDX file of unsigned bytes (the MNIST format): big-endian magic 0x0000 08 NDIMS,
/// NDIMS big-endian UInt32 sizes, then the bytes. Gzipped files are inflated first.
public struct IDXFile: Sendable {
    public let dimensions: [Int]
    public let bytes: [UInt8]

    public init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        let raw: Data
        do { raw = try Data(contentsOf: url) } catch {
            throw IDXError(file: name, problem: "cannot be read (\(error.localizedDescription))")
        }
        let data: Data
        do { data = Gzip.isCompressed(raw) ? try Gzip.decompress(raw) : raw } catch {
            throw IDXError(file: name, problem: "\(error)")
        }
        try self.init(data: data, name: name)
    }

    public init(data: Data, name: String) throws {
        let b = [UInt8](data)
        guard b.count >= 4 else { throw IDXError(file: name, problem: "truncated: \(b.count) bytes, no header") }
        guard b[0] == 0, b[1] == 0, b[2] == 0x08, (1...4).contains(b[3]) else {
            let magic = b[0..<4].map { String(format: "%02x", $0) }.joined()
            throw IDXError(file: name, problem: "wrong magic 0x\(magic): expected an unsigned-byte IDX file (0x000008nn)")
        }
        let n = Int(b[3])
        let headerSize = 4 + 4 * n
        guard b.count >= headerSize else { throw IDXError(file: name, problem: "truncated header: \(b.count) of \(headerSize) bytes") }
        var dims: [Int] = []
        var expected = 1
        for i in 0..<n {
            let o = 4 + 4 * i
            let d = Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
            dims.append(d)
            expected = expected.multipliedReportingOverflow(by: d).overflow ? Int.max : expected * d
        }
        let actual = b.count - headerSize
        guard actual == expected else {
            throw IDXError(file: name, problem: actual < expected
                ? "truncated: header \(dims) needs \(expected) bytes of data, file has \(actual)"
                : "\(actual - expected) bytes past the data that header \(dims) describes")
        }
        dimensions = dims
        bytes = Array(b[headerSize...])
    }
}
