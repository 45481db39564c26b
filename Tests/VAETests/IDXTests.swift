import Foundation
import VAE
import XCTest

final class IDXTests: XCTestCase {
    func testFixtureReadsWithGzippedLabels() throws {
        let set = try Fixture.testImages()
        XCTAssertEqual(set.count, 100)
        XCTAssertEqual(set.rows, 28)
        XCTAssertEqual(set.columns, 28)
        // The first MNIST test labels, as published.
        XCTAssertEqual(Array(set.labels.prefix(10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
        XCTAssertEqual(set.pixels.count, 100 * 784)
        XCTAssertGreaterThan(set.pixels.filter { $0 > 0 }.count, 100 * 784 / 10)
    }

    func testTruncatedFileNamesTheProblem() throws {
        let data = try Data(contentsOf: Fixture.folder.appendingPathComponent("t10k-images-idx3-ubyte"))
        XCTAssertThrowsError(try IDXFile(data: data.prefix(5000), name: "cut")) { error in
            XCTAssertTrue("\(error)".contains("cut: truncated"), "\(error)")
        }
        XCTAssertThrowsError(try IDXFile(data: data.prefix(9), name: "cut")) { error in
            XCTAssertTrue("\(error)".contains("truncated header"), "\(error)")
        }
    }

    func testWrongMagicIsRefused() {
        XCTAssertThrowsError(try IDXFile(data: Data([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]), name: "floats")) { error in
            XCTAssertTrue("\(error)".contains("wrong magic 0x00000d01"), "\(error)")
        }
    }

    func testExtraBytesAreRefused() {
        XCTAssertThrowsError(try IDXFile(data: Data([0, 0, 8, 1, 0, 0, 0, 2, 7, 7, 7]), name: "long")) { error in
            XCTAssertTrue("\(error)".contains("1 bytes past the data"), "\(error)")
        }
    }

    func testMismatchedCountsAreRefused() throws {
        let (dir, cleanup) = try Fixture.scratch()
        defer { cleanup() }
        let set = try Fixture.testImages()
        let images = dir.appendingPathComponent("a-images-idx3-ubyte"), labels = dir.appendingPathComponent("a-labels-idx1-ubyte")
        try set.writeIDX(images: images, labels: labels)
        try set.subset(Array(0..<7)).writeIDX(images: dir.appendingPathComponent("b-images-idx3-ubyte"), labels: labels)
        XCTAssertThrowsError(try ImageSet(images: images, labels: labels)) { error in
            XCTAssertTrue("\(error)".contains("holds 7 labels but a-images-idx3-ubyte holds 100 images"), "\(error)")
        }
    }

    func testCorruptGzipIsAnError() throws {
        var data = try Data(contentsOf: Fixture.folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        data = data.prefix(data.count - 10)
        XCTAssertThrowsError(try Gzip.decompress(data)) { error in
            XCTAssertTrue("\(error)".contains("truncated") || "\(error)".contains("gzip"), "\(error)")
        }
    }

    func testMissingFolderTellsHowToFetch() {
        XCTAssertThrowsError(try ImageSet(folder: URL(fileURLWithPath: "/nonexistent-vaedyn"), prefix: "train")) { error in
            XCTAssertTrue("\(error)".contains("scripts/fetch-mnist"), "\(error)")
        }
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Data(repeating: 0x61, count: 1_000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
