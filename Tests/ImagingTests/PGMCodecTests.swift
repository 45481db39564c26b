import Imaging
import XCTest

final class PGMCodecTests: XCTestCase {
    func testASCIIWithComments() throws {
        let image = try PGMCodec.decode(Array("P2\n# a comment\n3 2 # trailing\n4\n0 1 2\n3 4 0\n".utf8))
        XCTAssertEqual(image.width, 3)
        XCTAssertEqual(image.height, 2)
        XCTAssertEqual(image.pixels, [0, 0.25, 0.5, 0.75, 1, 0])
    }

    func testBinary8And16Bit() throws {
        let eight = try PGMCodec.decode(Array("P5 2 1 255\n".utf8) + [0, 255])
        XCTAssertEqual(eight.pixels, [0, 1])
        let sixteen = try PGMCodec.decode(Array("P5 2 1 65535\n".utf8) + [0x80, 0x00, 0xFF, 0xFF])
        XCTAssertEqual(sixteen.pixels[0], Float(0x8000) / 65535, accuracy: 1e-6)
        XCTAssertEqual(sixteen.pixels[1], 1)
    }

    func testErrorsNameTheProblem() {
        let cases: [(String, [UInt8])] = [
            ("truncated", Array("P5 4 4 255\n".utf8) + [1, 2, 3]),
            ("exceeds maxval", Array("P2 1 1 10\n11\n".utf8)),
            ("maxval", Array("P2 1 1 70000\n1\n".utf8)),
            ("limit", Array("P5 100000 100000 255\n".utf8)),
            ("not a PGM", Array("P6 1 1 255\n".utf8)),
            ("width", Array("P2 x".utf8)),
        ]
        for (needle, bytes) in cases {
            XCTAssertThrowsError(try PGMCodec.decode(bytes), needle) { XCTAssertTrue("\($0)".contains(needle), "\(needle): \($0)") }
        }
    }

    func testPGMDigitReachesMNISTForm() throws {
        var canvas = Canvas(width: 50, height: 80, background: 1)
        canvas.drawSix(ink: 0)
        let header = Array("P5 50 80 255\n".utf8)
        let image = try PGMCodec.decode(header + canvas.grey.map { UInt8($0 * 255) })
        let f = FormFacts(try MNISTForm.normalize(image))
        XCTAssertEqual(f.centreY, 13.5, accuracy: 1)
        XCTAssertEqual(max(f.boxWidth, f.boxHeight), 20)
    }
}
