import CZlib
import Foundation

public enum GzipError: Error, CustomStringConvertible {
    case corrupt(String)

    public var description: String {
        switch self {
        case .corrupt(let why): return "not a valid gzip stream: \(why)"
        }
    }
}

/// Inflates gzip or zlib data through the system zlib (Foundation on Linux has no API for it).
public enum Gzip {
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    public static func decompress(_ data: Data) throws -> Data {
        var stream = z_stream()
        guard vaedyn_inflate_init_auto(&stream) == Z_OK else { throw GzipError.corrupt("zlib refused to start") }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                try buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    guard status == Z_OK || status == Z_STREAM_END else {
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        throw GzipError.corrupt(status == Z_BUF_ERROR ? "truncated" : message)
                    }
                    output.append(out.baseAddress!, count: chunk - Int(stream.avail_out))
                }
            } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard status == Z_STREAM_END else { throw GzipError.corrupt("truncated") }
        return output
    }
}
