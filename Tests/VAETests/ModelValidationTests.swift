import Foundation
import VAE
import XCTest

/// Model files with a valid CRC whose contents the engine must not trust: NaN and infinite
/// tensors, shapes that overflow or disagree with the architecture, tensors out of place,
/// descriptions that contradict the tensors. Each is refused at load, by name.
///
/// The files are written by hand here, following docs/model-format.md (header JSON, data
/// offsets, weight layout, CRC-32 computed by this file's own table), not by the writer
/// under test, so that a file can be broken in ways the writer refuses to produce.
final class ModelValidationTests: XCTestCase {
    // MARK: A hand-written model file

    static let d = 16, h = 8, z = 3

    /// The documented weight layout: eight blocks, each padded to a multiple of 16 floats.
    static let blockSizes = [d * h, h, h * 2 * z, 2 * z, z * h, h, h * d, d]
    static func padded(_ n: Int) -> Int { (n + 15) / 16 * 16 }
    static func blockOffset(_ block: Int) -> Int { blockSizes.prefix(block).map(padded).reduce(0, +) }
    static var weightCount: Int { blockSizes.map(padded).reduce(0, +) }

    struct Tensor {
        var name: String
        var dtype = "float32"
        var shape: [Int]
        var bytes: [UInt8]
        /// Header overrides: a lie about the tensor's place or length.
        var offset: Int?
        var length: Int?
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    /// The description of the sample model, as a JSON object.
    static func modelDescription(classNames: [String] = ["class-0", "b"], exemplarLabels: [Int] = [1],
                            conceptIDs: [String] = ["class-0", "all"], conceptLabels: [String]? = nil,
                            inputSize: Int = d, hiddenSize: Int = h) -> [String: Any] {
        [
            "id": "hand-made", "dataset": "test",
            "architecture": ["inputSize": inputSize, "hiddenSize": hiddenSize, "latentSize": z],
            "classNames": classNames,
            "concepts": conceptIDs.enumerated().map { i, id in
                let root = i == conceptIDs.count - 1
                var concept: [String: Any] = ["id": id, "label": conceptLabels?[i] ?? id, "level": root ? "all" : "class", "count": 1]
                if !root { concept["parent"] = conceptIDs.last! }
                return concept
            },
            "exemplars": exemplarLabels.enumerated().map { ["label": $1, "testIndex": $0] },
            "projectionVariance": [0.5, 0.25],
        ]
    }

    /// Weights 0.01 * (i mod 7), two concepts, one exemplar, a projection: what a load accepts.
    static func tensors(concepts: Int = 2, exemplars: Int = 1) -> [Tensor] {
        [
            Tensor(name: "parameters", shape: [weightCount], bytes: floats((0..<weightCount).map { Float($0 % 7) * 0.01 })),
            Tensor(name: "concepts", shape: [concepts, z], bytes: floats((0..<(concepts * z)).map(Float.init))),
            Tensor(name: "exemplars", dtype: "uint8", shape: [exemplars, d], bytes: (0..<(exemplars * d)).map { UInt8($0 % 256) }),
            Tensor(name: "projection_mean", shape: [z], bytes: floats([0, 0, 1])),
            Tensor(name: "projection_axes", shape: [2, z], bytes: floats([1, 0, 0, 0, 1, 0])),
        ]
    }

    /// magic, version 1, header length, header JSON, data (each tensor at a multiple of 64
    /// from the start of the data), CRC-32 of all that.
    static func file(_ tensors: [Tensor], description: [String: Any] = modelDescription(), kind: String = "vaedyn-model") throws -> Data {
        var data: [UInt8] = []
        var entries: [[String: Any]] = []
        for t in tensors {
            let offset = (data.count + 63) / 64 * 64
            data += [UInt8](repeating: 0, count: offset - data.count) + t.bytes
            entries.append(["name": t.name, "dtype": t.dtype, "shape": t.shape, "offset": t.offset ?? offset, "length": t.length ?? t.bytes.count])
        }
        let metadata = try JSONSerialization.data(withJSONObject: description, options: [.sortedKeys])
        let header = try JSONSerialization.data(withJSONObject: [
            "kind": kind, "metadata": metadata.base64EncodedString(), "tensors": entries, "dataLength": data.count,
        ] as [String: Any], options: [.sortedKeys])
        var out: [UInt8] = [0x56, 0x41, 0x45, 0x4D, 0x0D, 0x0A, 0x1A, 0x0A]
        out += littleEndian(1) + littleEndian(UInt32(header.count)) + [UInt8](header) + data
        out += littleEndian(crc32(out))
        return Data(out)
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib and PNG compute it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func replacing(_ name: String, in tensors: [Tensor], _ change: (inout Tensor) -> Void) -> [Tensor] {
        tensors.map { t in
            var t = t
            if t.name == name { change(&t) }
            return t
        }
    }

    static func setFloat(_ value: Float, at index: Int, in t: inout Tensor) {
        t.bytes.replaceSubrange((index * 4)..<(index * 4 + 4), with: floats([value]))
    }

    /// Asserts that loading `data` is refused as malformed (not as a bad checksum: the CRC
    /// is valid) with a message containing every one of `parts`.
    func assertRefused(_ data: Data, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelBundle(data: data), file: file, line: line) { error in
            guard case ArchiveError.malformed = error else { return XCTFail("refused, but not as malformed: \(error)", file: file, line: line) }
            let text = "\(error)"
            for part in parts { XCTAssertTrue(text.contains(part), "'\(part)' is not in: \(text)", file: file, line: line) }
        }
    }

    // MARK: The control

    func testTheHandWrittenFileLoadsAsWritten() throws {
        let bundle = try ModelBundle(data: try Self.file(Self.tensors()))
        XCTAssertEqual(bundle.architecture, Architecture(inputSize: 16, hiddenSize: 8, latentSize: 3))
        XCTAssertEqual(bundle.conceptVectors, [[0, 1, 2], [3, 4, 5]])
        XCTAssertEqual(bundle.exemplarPixels, [(0..<16).map(UInt8.init)])
        XCTAssertEqual(bundle.projectionAxes, [[1, 0, 0], [0, 1, 0]])
        // The documented layout: the decoder's output bias (block 8) starts after seven padded blocks.
        let b4 = bundle.parameters.range(.decoderOutputBias)
        XCTAssertEqual(b4, Self.blockOffset(7)..<(Self.blockOffset(7) + 16))
        XCTAssertEqual(bundle.parameters.count, Self.weightCount)
        XCTAssertEqual(bundle.parameters.storage[b4.lowerBound + 3], Float((b4.lowerBound + 3) % 7) * 0.01)
    }

    // MARK: Values that are not finite

    func testNaNWeightIsRefusedWithItsBlockAndPlace() throws {
        // encoderOutputWeight is H x 2Z (8 x 6), row-major: row 1, column 2 is element 8.
        let index = Self.blockOffset(2) + 1 * (2 * Self.z) + 2
        let tensors = Self.replacing("parameters", in: Self.tensors()) { Self.setFloat(.nan, at: index, in: &$0) }
        assertRefused(try Self.file(tensors), ["tensor 'parameters'", "nan", "encoderOutputWeight[1, 2]", "finite"])
    }

    func testInfiniteBiasAndPaddingAreRefused() throws {
        let bias = Self.replacing("parameters", in: Self.tensors()) { Self.setFloat(.infinity, at: Self.blockOffset(5) + 4, in: &$0) }
        assertRefused(try Self.file(bias), ["tensor 'parameters'", "inf", "decoderHiddenBias[4]"])
        // The padding after the 8 floats of the encoder's hidden bias (block 2 of 16 floats).
        let padding = Self.replacing("parameters", in: Self.tensors()) { Self.setFloat(-.infinity, at: Self.blockOffset(1) + 12, in: &$0) }
        assertRefused(try Self.file(padding), ["tensor 'parameters'", "-inf", "padding"])
    }

    func testNonFiniteConceptIsRefusedWithTheConcept() throws {
        let tensors = Self.replacing("concepts", in: Self.tensors()) { Self.setFloat(.infinity, at: 1 * Self.z + 2, in: &$0) }
        assertRefused(try Self.file(tensors), ["tensor 'concepts'", "inf", "[1, 2]", "'all'"])
    }

    func testNonFiniteProjectionIsRefused() throws {
        let mean = Self.replacing("projection_mean", in: Self.tensors()) { Self.setFloat(.nan, at: 1, in: &$0) }
        assertRefused(try Self.file(mean), ["tensor 'projection_mean'", "nan", "[1]"])
        let axes = Self.replacing("projection_axes", in: Self.tensors()) { Self.setFloat(-.infinity, at: 5, in: &$0) }
        assertRefused(try Self.file(axes), ["tensor 'projection_axes'", "-inf", "[1, 2]"])
    }

    func testSignallingNaNIsRefusedToo() throws {
        let tensors = Self.replacing("concepts", in: Self.tensors()) {
            $0.bytes.replaceSubrange(0..<4, with: Self.littleEndian(0x7F80_0001))
        }
        assertRefused(try Self.file(tensors), ["tensor 'concepts'", "[0, 0]"])
    }

    // MARK: Shapes

    func testShapeWhoseProductOverflowsIsRefused() throws {
        // 2^32 x 2^32 wraps to 0 in 64-bit arithmetic: the empty length it claims must not pass.
        let wraps = Self.replacing("projection_mean", in: Self.tensors()) { $0.shape = [1 << 32, 1 << 32]; $0.bytes = [] }
        assertRefused(try Self.file(wraps), ["tensor 'projection_mean'", "too large"])
        let huge = Self.replacing("concepts", in: Self.tensors()) { $0.shape = [Int.max, 2] }
        assertRefused(try Self.file(huge), ["tensor 'concepts'", "too large"])
    }

    func testNegativeDimensionIsRefused() throws {
        let tensors = Self.replacing("exemplars", in: Self.tensors()) { $0.shape = [-1, -16] }
        assertRefused(try Self.file(tensors), ["tensor 'exemplars'", "negative"])
    }

    func testLengthThatDisagreesWithTheShapeIsRefused() throws {
        let tensors = Self.replacing("concepts", in: Self.tensors()) { $0.length = 20 }
        assertRefused(try Self.file(tensors), ["tensor 'concepts'", "24 bytes", "length of 20"])
    }

    func testTensorOutsideTheDataIsRefused() throws {
        // Int.max as an offset overflows offset + length; it must be refused, not trap.
        for offset in [Int.max, -64, 1 << 40] {
            let tensors = Self.replacing("concepts", in: Self.tensors()) { $0.offset = offset }
            assertRefused(try Self.file(tensors), ["tensor 'concepts'", "outside"])
        }
    }

    func testTensorListedTwiceIsRefused() throws {
        // Two entries of one name used to keep the second's bytes under the first's length.
        var tensors = Self.tensors()
        tensors.append(Tensor(name: "parameters", shape: [1], bytes: Self.floats([1])))
        assertRefused(try Self.file(tensors), ["tensor 'parameters'", "twice"])
    }

    func testShapesThatDoNotMatchTheArchitectureAreRefused() throws {
        let weights = Self.replacing("parameters", in: Self.tensors()) { $0.shape = [Self.weightCount - 16]; $0.bytes.removeLast(64) }
        assertRefused(try Self.file(weights), ["tensor 'parameters'", "[\(Self.weightCount - 16)]", "expected [\(Self.weightCount)]"])
        let concepts = Self.replacing("concepts", in: Self.tensors()) { $0.shape = [3, 2] }
        assertRefused(try Self.file(concepts), ["tensor 'concepts'", "[3, 2]", "expected [2, 3]"])
        let exemplars = Self.replacing("exemplars", in: Self.tensors()) { $0.shape = [2, 8] }
        assertRefused(try Self.file(exemplars), ["tensor 'exemplars'", "[2, 8]", "expected [1, 16]"])
        let mean = Self.replacing("projection_mean", in: Self.tensors()) { $0.shape = [1, 3] }
        assertRefused(try Self.file(mean), ["tensor 'projection_mean'", "[1, 3]"])
        let axes = Self.replacing("projection_axes", in: Self.tensors()) { $0.shape = [3, 2] }
        assertRefused(try Self.file(axes), ["tensor 'projection_axes'", "[3, 2]"])
        let dtype = Self.replacing("concepts", in: Self.tensors()) { $0.dtype = "uint8"; $0.shape = [2, 12] }
        assertRefused(try Self.file(dtype), ["tensor 'concepts'", "uint8", "expected float32"])
        let matrix = Self.replacing("parameters", in: Self.tensors()) { $0.shape = [Self.weightCount / 16, 16] }
        assertRefused(try Self.file(matrix), ["tensor 'parameters'", "[\(Self.weightCount / 16), 16]", "not a float32 vector"])
    }

    func testMissingTensorIsRefusedByName() throws {
        let tensors = Self.tensors().filter { $0.name != "projection_axes" }
        assertRefused(try Self.file(tensors), ["tensor 'projection_axes' is missing"])
    }

    func testHugeArchitectureIsRefusedBeforeItsWeightsAreAllocated() throws {
        // 2^20 x 2^16 weights would be 256 GiB: refused from the size of the tensor, quickly.
        let started = Date()
        let description = Self.modelDescription(inputSize: 1 << 20, hiddenSize: 1 << 16)
        assertRefused(try Self.file(Self.tensors(), description: description), ["tensor 'parameters'", "too small", "1048576-65536-3"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    // MARK: The description against the tensors

    func testDescriptionContradictionsAreRefused() throws {
        assertRefused(try Self.file(Self.tensors(), description: Self.modelDescription(classNames: [])), ["no classes"])
        assertRefused(try Self.file(Self.tensors(), description: Self.modelDescription(exemplarLabels: [2])), ["exemplar 0", "label 2"])
        assertRefused(try Self.file(Self.tensors(), description: Self.modelDescription(exemplarLabels: [-1])), ["exemplar 0", "label -1"])
        assertRefused(try Self.file(Self.tensors(), description: Self.modelDescription(conceptIDs: ["all", "all"])), ["concept id 'all'", "twice"])
        // The sample's class concept is labelled with its id, "class-0": a class name only if one is.
        assertRefused(try Self.file(Self.tensors(), description: Self.modelDescription(classNames: ["x", "y"])),
                      ["class concept 'class-0'", "not one of the class names"])
        let twoOfOne = Self.modelDescription(conceptIDs: ["class-0", "class-1", "all"], conceptLabels: ["b", "b", "all"])
        assertRefused(try Self.file(Self.tensors(concepts: 3), description: twoOfOne), ["class concept 'class-1'", "label 'b' of another"])
    }

    // MARK: The writer keeps to what the reader accepts

    func testAnInvalidBundleIsNotWritten() throws {
        var bundle = try ModelBundle(data: try Self.file(Self.tensors()))
        bundle.conceptVectors[0][1] = .nan
        XCTAssertThrowsError(try bundle.encoded()) { error in
            XCTAssertTrue("\(error)".contains("tensor 'concepts'"), "\(error)")
        }
        bundle.conceptVectors[0] = [1, 2]
        XCTAssertThrowsError(try bundle.encoded()) { error in
            XCTAssertTrue("\(error)".contains("tensor 'concepts'"), "\(error)")
        }
    }

    func testWrittenBundleIsReproducibleBytes() throws {
        let bundle = try ModelBundle(data: try Self.file(Self.tensors()))
        let once = try bundle.encoded()
        XCTAssertEqual(try ModelBundle(data: once).encoded(), once)
        // Header keys are sorted: "dataLength" comes first.
        let header = String(decoding: once[16..<40], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{\"dataLength\":"), header)
    }

    // MARK: The fuzz seeds

    func testFuzzSeedsAreValidSmallModels() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("FuzzSeeds/model")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        XCTAssertGreaterThanOrEqual(files.count, 3)
        for url in files {
            let data = try Data(contentsOf: url)
            XCTAssertLessThan(data.count, 8192, url.lastPathComponent)
            if url.pathExtension == "safetensors" {
                // The export of a seed model, for the reader behind `vaedyn import`.
                XCTAssertNoThrow(try Parameters.imported(from: SafetensorsReader(data: data), layout: .ours, activation: .tanh), url.lastPathComponent)
            } else {
                XCTAssertNoThrow(try ModelBundle(data: data), url.lastPathComponent)
            }
        }
    }
}
