import CPNG
import Foundation
import Imaging
import XCTest

final class PNGCodecTests: XCTestCase {
    let grey = try! PNGCodec.encode(width: 3, height: 2, format: vaedyn_png_format_gray, samples: [0, 128, 255, 255, 128, 0])

    func testChunkClaimingMoreThanTheFileIsRefusedBeforeLibpngAllocatesIt() {
        // Found by ImageFuzz: a 140-byte palette PNG whose tEXt chunk claims 1.8 GB, which
        // libpng allocated in full before finding the data missing.
        let fuzzed = [UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAgMAAAC5YVYYAAAACVBMVEUAAAAUHnj68MhTL1XkAAAAA3RSTlMA//9EUNZJbnQADHRFWHRDb21tZW50AHNlZWTLmbbjAAAAE0lEQVR42mNYtYqDIB0EiXcSMgQAbNA6nqD35QAAAABJRU5ErkJggg==")!)
        XCTAssertThrowsError(try PNGCodec.decode(fuzzed)) { XCTAssertTrue("\($0)".contains("chunk 'tEXt' claims 1853095948 bytes"), "\($0)") }
        // The same claim in front of a valid image's data.
        let claim: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF] + Array("zTXt".utf8) + [0, 0, 0, 0]
        XCTAssertThrowsError(try PNGCodec.decode(Array(grey[..<33]) + claim + grey[33...])) {
            XCTAssertTrue("\($0)".contains("claims 2147483647 bytes"), "\($0)")
        }
    }

    func testTruncatedChunkIsRefused() {
        XCTAssertThrowsError(try PNGCodec.decode(Array(grey.dropLast(5)))) { XCTAssertTrue("\($0)".contains("PNG"), "\($0)") }
    }

    func testBytesAfterIENDAreIgnoredAsLibpngIgnoresThem() throws {
        let image = try PNGCodec.decode(grey + [0xFF, 0xFF, 0xFF, 0xFF, 1, 2])
        XCTAssertEqual(image, try PNGCodec.decode(grey))
        XCTAssertEqual(image.pixels.map { UInt8(($0 * 255).rounded()) }, [0, 128, 255, 255, 128, 0])
    }

    func testDeclaredSizeOverTheLimitsIsRefused() throws {
        let wide = try PNGCodec.encode(width: 5000, height: 1, format: vaedyn_png_format_gray, samples: [UInt8](repeating: 0, count: 5000))
        XCTAssertThrowsError(try PNGCodec.decode(wide)) { XCTAssertTrue("\($0)".contains("the limit is 4096 x 4096"), "\($0)") }
    }
}
