import Foundation
import VAE
import XCTest

/// The safetensors reader against the format's rules (github.com/huggingface/safetensors,
/// README "Format"), on files built byte by byte here rather than by our own writer.
final class SafetensorsReaderTests: XCTestCase {
    /// 8-byte little-endian length, the header, the buffer.
    private func file(_ header: String, _ buffer: [UInt8]) -> Data {
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: buffer)
        return data
    }

    private func refusal(_ data: Data) -> String {
        do {
            _ = try SafetensorsReader(data: data)
            return "read"
        } catch {
            return "\(error)"
        }
    }

    func testTheWritersOutputReadsBackWithItsMetadata() throws {
        var out = SafetensorsFile()
        out.add("a", shape: [2, 3], values: [1, -2, 3.5, 0, .leastNonzeroMagnitude, 6])
        out.add("b", shape: [1], values: [7])
        out.metadata = ["format": "test"]
        let read = try SafetensorsReader(data: try out.encoded())
        XCTAssertEqual(try read.floats("a"), [1, -2, 3.5, 0, .leastNonzeroMagnitude, 6])
        XCTAssertEqual(read.entries["a"]?.shape, [2, 3])
        XCTAssertEqual(try read.floats("b"), [7])
        XCTAssertEqual(read.metadata, ["format": "test"])
    }

    /// 1.5 and -2 in each float dtype: F64 0x3FF8..., F16 0x3E00 / 0xC000, BF16 0x3FC0 / 0xC000.
    func testEveryFloatDtypeConverts() throws {
        let f64: [UInt8] = [0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0]
        let f16: [UInt8] = [0x00, 0x3E, 0x00, 0xC0]
        let bf16: [UInt8] = [0xC0, 0x3F, 0x00, 0xC0]
        let header = #"{"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"#
            + #""b":{"dtype":"BF16","shape":[2],"data_offsets":[20,24]},"i":{"dtype":"I64","shape":[],"data_offsets":[24,32]}}"#
        let read = try SafetensorsReader(data: file(header, f64 + f16 + bf16 + [UInt8](repeating: 0, count: 8)))
        for name in ["d", "h", "b"] { XCTAssertEqual(try read.floats(name), [1.5, -2], name) }
        XCTAssertEqual(read.entries["i"]?.shape, [])
        XCTAssertThrowsError(try read.floats("i")) { XCTAssertTrue("\($0)".contains("I64"), "\($0)") }
        XCTAssertThrowsError(try read.floats("absent")) { XCTAssertTrue("\($0)".contains("'absent'"), "\($0)") }
    }

    func testOffsetsMustTileTheBufferAndMatchTheShape() {
        let eight = [UInt8](repeating: 0, count: 8)
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, eight)).contains("gaps"))
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, eight))
            .contains("gaps or overlaps"))
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, eight)).contains("cover 4 bytes of a buffer of 8"))
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#, eight)).contains("needs 4 bytes; its data_offsets span 8"))
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,12]}}"#, eight)).contains("within the buffer"))
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, eight)).contains("larger than the file"))
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"Q8","shape":[8],"data_offsets":[0,8]}}"#, eight)).contains("unknown dtype"))
        XCTAssertTrue(refusal(file(#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, eight)).contains("not a list of sizes"))
    }

    func testTheHeaderMustBeAJSONObjectOfTheStatedLength() {
        XCTAssertTrue(refusal(Data([1, 2, 3])).contains("shorter than the 8-byte header length"))
        var huge = Data()
        withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { huge.append(contentsOf: $0) }
        XCTAssertTrue(refusal(huge).contains("more than 100000000"))
        XCTAssertTrue(refusal(file("[1]", [])).contains("not a JSON object"))
        XCTAssertTrue(refusal(file(#"{"__metadata__":{"a":1}}"#, [])).contains("not a string"))
        var short = file("{}", [])
        short.removeLast()
        XCTAssertTrue(refusal(short).contains("the header length is 2 bytes"))
        XCTAssertEqual(refusal(file(#"{"__metadata__":{"a":"b"}}"#, [])), "read")
    }

    /// The mapping file refuses unknown keys and incomplete tensor lists, naming what is wrong.
    func testAMappingFileMustNameTheTenTensorsAndNothingElse() throws {
        let all = TensorLayout.Role.allCases.map { "\"\($0.rawValue)\": \"x.\($0.rawValue)\"" }.joined(separator: ", ")
        let layout = try TensorLayout(mapping: Data(#"{"tensors": {\#(all)}, "orientation": "in-out"}"#.utf8), name: "m.json")
        XCTAssertEqual(layout.tensors[.decoderOutputBias], "x.decoder.output.bias")
        XCTAssertEqual(layout.orientation, .inOut)
        XCTAssertNil(layout.activation)
        let cases = [
            (#"{"tensors": {\#(all)}, "orientation": "in-out", "activaton": "relu"}"#, "activaton"),
            (#"{"tensors": {"encoder.hidden.weight": "w"}, "orientation": "out-in"}"#, "decoder.output.bias"),
            (#"{"tensors": {\#(all), "encoder.extra": "e"}, "orientation": "out-in"}"#, "encoder.extra"),
            (#"{"tensors": {\#(all)}, "orientation": "sideways"}"#, "in-out"),
        ]
        for (text, word) in cases {
            XCTAssertThrowsError(try TensorLayout(mapping: Data(text.utf8), name: "m.json")) { XCTAssertTrue("\($0)".contains(word), "\($0)") }
        }
    }
}
