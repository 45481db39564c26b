import Foundation

/// Reads a safetensors file (the layout `SafetensorsFile` writes) as PyTorch, JAX or numpy
/// wrote it: every rule of the format is checked before a tensor is touched (the header's
/// length and JSON, each entry's dtype, shape and offsets, offsets that tile the buffer
/// without gaps or overlaps, as the reference implementation requires), and a tensor is
/// converted to Float only when asked for. Float tensors of 64, 32, 16 bits and bfloat16
/// convert; the others (a state dict's integer counters) may be present but not read.
public struct SafetensorsReader {
    public struct Entry: Equatable, Sendable {
        public var dtype: String
        public var shape: [Int]
        /// Byte range in the buffer after the header.
        public var range: Range<Int>
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ why: String) { description = why }
    }

    /// The reference implementation's limit; a header that large is not a model's.
    public static let maximumHeaderLength = 100_000_000
    static let byteWidths: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1,
    ]

    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let buffer: Data

    public init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url))
    }

    public init(data: Data) throws {
        let data = Data(data)  // indices from 0, whatever slice was given
        guard data.count >= 8 else { throw Failure("\(data.count) bytes: shorter than the 8-byte header length") }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(Self.maximumHeaderLength) else {
            throw Failure("the header length is \(length) bytes, more than \(Self.maximumHeaderLength) (not a safetensors file?)")
        }
        guard length <= UInt64(data.count - 8) else { throw Failure("the header length is \(length) bytes, but the file has \(data.count - 8) after it") }
        let header = data[8..<(8 + Int(length))]
        guard header.first == UInt8(ascii: "{"), let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw Failure("the header is not a JSON object")
        }
        buffer = data[(8 + Int(length))...]
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw Failure("__metadata__ is not an object of strings") }
                for (k, v) in m {
                    guard let text = v as? String else { throw Failure("__metadata__ '\(k)' is not a string") }
                    metadata[k] = text
                }
                continue
            }
            entries[name] = try Self.entry(name, value, bufferSize: buffer.count)
        }
        var end = 0
        for (name, e) in entries.sorted(by: { ($0.value.range.lowerBound, $0.value.range.upperBound) < ($1.value.range.lowerBound, $1.value.range.upperBound) }) {
            guard e.range.lowerBound == end else {
                throw Failure("tensor '\(name)' starts at byte \(e.range.lowerBound) of the buffer where the tensors before end at \(end); "
                              + "the tensors must fill the buffer without gaps or overlaps")
            }
            end = e.range.upperBound
        }
        guard end == buffer.count else { throw Failure("the tensors cover \(end) bytes of a buffer of \(buffer.count)") }
        self.entries = entries
        self.metadata = metadata
    }

    private static func entry(_ name: String, _ value: Any, bufferSize: Int) throws -> Entry {
        guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
              let shape = fields["shape"] as? [Any], let offsets = fields["data_offsets"] as? [Any] else {
            throw Failure("tensor '\(name)' is not an object with dtype, shape and data_offsets")
        }
        guard let width = byteWidths[dtype] else { throw Failure("tensor '\(name)' has the unknown dtype '\(dtype)'") }
        let sizes = shape.map { ($0 as? NSNumber).flatMap { Int(exactly: $0) } }
        guard sizes.allSatisfy({ ($0 ?? -1) >= 0 }) else { throw Failure("tensor '\(name)' has the shape \(shape), not a list of sizes") }
        let bounds = offsets.map { ($0 as? NSNumber).flatMap { Int(exactly: $0) } }
        guard bounds.count == 2, let begin = bounds[0], let end = bounds[1], begin >= 0, begin <= end, end <= bufferSize else {
            throw Failure("tensor '\(name)' has data_offsets \(offsets), not [begin, end] within the buffer of \(bufferSize) bytes")
        }
        var bytes = width
        for s in sizes {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: s!)
            guard !overflow, product <= bufferSize else { throw Failure("tensor '\(name)' of shape \(shape) is larger than the file") }
            bytes = product
        }
        guard end - begin == bytes else {
            throw Failure("tensor '\(name)' of dtype \(dtype) and shape \(shape) needs \(bytes) bytes; its data_offsets span \(end - begin)")
        }
        return Entry(dtype: dtype, shape: sizes.map { $0! }, range: begin..<end)
    }

    /// The tensor's values as Float, row-major. Float64 values are rounded; one outside
    /// Float's range becomes infinite (and is refused as not finite by whoever reads it).
    public func floats(_ name: String) throws -> [Float] {
        guard let e = entries[name] else { throw Failure("there is no tensor '\(name)'") }
        let bytes = buffer[(buffer.startIndex + e.range.lowerBound)..<(buffer.startIndex + e.range.upperBound)]
        return try bytes.withUnsafeBytes { raw -> [Float] in
            switch e.dtype {
            case "F32": return (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            case "F64": return (0..<(raw.count / 8)).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) }
            case "F16": return (0..<(raw.count / 2)).map { Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))) }
            case "BF16":
                // bfloat16 is the upper half of a float32.
                return (0..<(raw.count / 2)).map { Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) << 16) }
            default: throw Failure("tensor '\(name)' is \(e.dtype); only floating-point tensors (F64, F32, F16, BF16) can be read as weights")
            }
        }
    }
}
