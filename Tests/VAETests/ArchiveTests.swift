import Foundation
import VAE
import XCTest

final class ArchiveTests: XCTestCase {
    func sampleBundle() -> ModelBundle {
        let a = Architecture(inputSize: 16, hiddenSize: 8, latentSize: 3)
        let p = Parameters(a)
        p.initialize(seed: 3)
        var d = ModelDescription(id: "tiny", dataset: "test", architecture: a, classNames: ["a", "b"])
        d.concepts = [ConceptInfo(id: "class-0", label: "a", level: "class", parent: "all", count: 4),
                      ConceptInfo(id: "all", label: "all", level: "all", parent: nil, count: 2)]
        d.exemplars = [ExemplarInfo(label: 1, testIndex: 42)]
        return ModelBundle(description: d, parameters: p, conceptVectors: [[1, 2, 3], [4, 5, 6]],
                           exemplarPixels: [[UInt8](0..<16)], projectionMean: [0, 0, 1], projectionAxes: [[1, 0, 0], [0, 1, 0]])
    }

    func encoded() throws -> Data {
        let (dir, cleanup) = try Fixture.scratch()
        defer { cleanup() }
        let url = dir.appendingPathComponent("m.vaem")
        try sampleBundle().write(to: url)
        return try Data(contentsOf: url)
    }

    func testRoundTripKeepsEverything() throws {
        let (dir, cleanup) = try Fixture.scratch()
        defer { cleanup() }
        let url = dir.appendingPathComponent("m.vaem")
        let original = sampleBundle()
        try original.write(to: url)
        let loaded = try ModelBundle(contentsOf: url)
        XCTAssertEqual(loaded.parameters.storage.array, original.parameters.storage.array)
        XCTAssertEqual(loaded.conceptVectors, original.conceptVectors)
        XCTAssertEqual(loaded.exemplarPixels, original.exemplarPixels)
        XCTAssertEqual(loaded.projectionAxes, original.projectionAxes)
        XCTAssertEqual(loaded.description.concepts, original.description.concepts)
        XCTAssertEqual(loaded.description.exemplars, original.description.exemplars)
        XCTAssertEqual(loaded.architecture, original.architecture)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".m.vaem.partial").path))
    }

    func testEveryTruncationIsRefusedWithoutCrashing() throws {
        let data = try encoded()
        for length in Array(0..<64) + Array(stride(from: 64, to: data.count, by: 97)) + [data.count - 1] {
            XCTAssertThrowsError(try TensorArchive(data: data.prefix(length)), "length \(length)") { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("truncated") || text.contains("not a vaedyn file") || text.contains("corrupted")
                              || text.contains("malformed"), "length \(length): \(text)")
            }
        }
    }

    func testTruncatedFileSaysTruncated() throws {
        let data = try encoded()
        XCTAssertThrowsError(try TensorArchive(data: data.prefix(data.count - 100))) { error in
            guard case ArchiveError.truncated = error else { return XCTFail("\(error)") }
        }
    }

    func testEveryFlippedByteIsDetected() throws {
        let data = try encoded()
        for i in stride(from: 0, to: data.count, by: 13) {
            var damaged = data
            damaged[i] ^= 0x20
            XCTAssertThrowsError(try ModelBundle(data: damaged), "byte \(i)")
        }
    }

    func testCorruptedTensorSaysChecksum() throws {
        var data = try encoded()
        data[data.count - 20] ^= 0xFF
        XCTAssertThrowsError(try TensorArchive(data: data)) { error in
            guard case ArchiveError.checksumMismatch = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("corrupted"))
        }
    }

    func testFutureVersionIsRefusedByName() throws {
        var data = try encoded()
        data[8] = 2
        XCTAssertThrowsError(try TensorArchive(data: data)) { error in
            XCTAssertEqual(error as? ArchiveError, .futureVersion(found: 2, supported: 1))
            XCTAssertTrue("\(error)".contains("newer than this build reads"))
        }
    }

    func testOtherFilesAreNotModels() throws {
        XCTAssertThrowsError(try TensorArchive(data: Data("{\"json\": true}".utf8))) { error in
            XCTAssertTrue("\(error)".contains("not a vaedyn file"), "\(error)")
        }
        let checkpointLike = TensorArchive(kind: "vaedyn-checkpoint", metadata: Data("{}".utf8))
        XCTAssertThrowsError(try ModelBundle(data: try checkpointLike.encoded())) { error in
            XCTAssertTrue("\(error)".contains("not a model"), "\(error)")
        }
    }
}
