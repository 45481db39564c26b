import Dynamics
import VAE
import XCTest

final class NoiseModelTests: XCTestCase {
    func testParsesKindAndRatio() throws {
        let n = try NoiseModel(parsing: "salt-pepper:0.25")
        XCTAssertEqual(n.kind, .saltPepper)
        XCTAssertEqual(n.ratio, 0.25)
    }

    func testInvalidNoiseIsAnErrorNotAClamp() {
        for text in ["replace:1.5", "replace:-0.1", "replace:nan", "replace:", "blur:0.2", "replace", "flip:0.1:2"] {
            XCTAssertThrowsError(try NoiseModel(parsing: text), text)
        }
        XCTAssertThrowsError(try NoiseModel(kind: .flip, ratio: 0.1).validate(binaryImages: false))
        XCTAssertNoThrow(try NoiseModel(kind: .flip, ratio: 0.1).validate(binaryImages: true))
    }

    func apply(_ kind: NoiseModel.Kind, _ ratio: Float, to x: [Float], binary: Bool) throws -> [Float] {
        let out = FloatBuffer(x)
        var rng = RandomStream(seed: 3)
        try NoiseModel(kind: kind, ratio: ratio).apply(to: out.view, count: x.count, binary: binary, rng: &rng)
        return out.array
    }

    func testExtremeRatios() throws {
        var rng = RandomStream(seed: 1)
        let x: [Float] = (0..<1000).map { _ in rng.uniform() < 0.3 ? 1 : 0 }
        for kind in NoiseModel.Kind.allCases { XCTAssertEqual(try apply(kind, 0, to: x, binary: true), x, "\(kind) at 0") }
        XCTAssertEqual(try apply(.flip, 1, to: x, binary: true), x.map { 1 - $0 })
        let replaced = try apply(.replace, 1, to: x, binary: true)
        XCTAssertTrue(replaced.allSatisfy { $0 == 0 || $0 == 1 })
        let ones = replaced.reduce(0, +) / 1000
        XCTAssertEqual(ones, 0.5, accuracy: 0.06, "a fully replaced binary image is half ones")
    }

    func testReplaceChangesAboutTheRatio() throws {
        let x = [Float](repeating: 0, count: 10000)
        let ones = try apply(.replace, 0.4, to: x, binary: true).reduce(0, +) / 10000
        XCTAssertEqual(ones, 0.2, accuracy: 0.02, "p = 0.4 replaces 40 % of the pixels, half of them with ones")
    }

    func testGaussianStaysInTheUnitInterval() throws {
        let x = (0..<1000).map { Float($0 % 2) }
        let out = try apply(.gaussian, 1, to: x, binary: false)
        XCTAssertTrue(out.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertNotEqual(out, x)
    }

    func testNoiseGrid() throws {
        let grid = try NoiseGrid.parse("0:1:0.05")
        XCTAssertEqual(grid.count, 21)
        XCTAssertEqual(grid.first, 0)
        XCTAssertEqual(grid.last, 1)
        for bad in ["0:1", "0:1:0", "0.5:0.2:0.1", "0:2:0.5", "a:b:c"] { XCTAssertThrowsError(try NoiseGrid.parse(bad), bad) }
    }

    func testNoiseGridWithTooSmallAStepIsRefused() {
        // Found by JSONFuzz (a /sweep noiseGrid): counting the points trapped converting 1e300 to Int.
        for grid in ["0:1:0.0001", "0:1:1e-300", "0:1:4.9e-324"] {
            XCTAssertThrowsError(try NoiseGrid.parse(grid), grid) { XCTAssertTrue("\($0)".contains("more than 1001 points"), "\($0)") }
        }
        XCTAssertEqual(try NoiseGrid.parse("0:1:0.001").count, 1001)
    }
}
