import Foundation

/// The safetensors format (Hugging Face, github.com/huggingface/safetensors, README
/// "Format"): an unsigned little-endian 64-bit header length N, N bytes of JSON mapping each
/// tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets into the byte
/// buffer that follows the header) plus an optional "__metadata__" of string to string,
/// then the buffer. Tensors are row-major and little-endian, and fill the buffer without
/// gaps; the header may end in spaces, which this writer uses to keep the buffer 8-byte aligned.
/// Only float32 tensors are written (all vaedyn holds).
public struct SafetensorsFile {
    public struct Tensor {
        public var name: String
        public var shape: [Int]
        public var values: [Float]

        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    public var tensors: [Tensor] = []
    public var metadata: [String: String] = [:]

    public init() {}

    public mutating func add(_ name: String, shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for shape \(shape)")
        tensors.append(Tensor(name: name, shape: shape, values: values))
    }

    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            let length = t.values.count * MemoryLayout<Float>.size
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + length]] as [String: Any]
            offset += length
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        json.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in tensors {
            t.values.withUnsafeBufferPointer { buffer in
                for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        return out
    }
}
