import CPNG
import Foundation
import Imaging
import XCTest

final class MNISTFormTests: XCTestCase {
    func assertMNISTForm(_ pixels: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(pixels.count, 784, what, file: file, line: line)
        let f = FormFacts(pixels)
        XCTAssertEqual(f.centreX, 13.5, accuracy: 1, "\(what): centre of mass x", file: file, line: line)
        XCTAssertEqual(f.centreY, 13.5, accuracy: 1, "\(what): centre of mass y", file: file, line: line)
        XCTAssertLessThanOrEqual(max(f.boxWidth, f.boxHeight), 20, "\(what): ink outside the 20 x 20 box", file: file, line: line)
        XCTAssertGreaterThanOrEqual(max(f.boxWidth, f.boxHeight), 19, "\(what): glyph not scaled to the box", file: file, line: line)
        XCTAssertTrue(pixels.allSatisfy { $0 >= 0 && $0 <= 1 }, what, file: file, line: line)
        // Light ink on a dark field: the corners are background.
        for corner in [0, 27, 27 * 28, 783] { XCTAssertEqual(pixels[corner], 0, "\(what): corner", file: file, line: line) }
    }

    func testGreyImagesOfManySizesAndPlacements() throws {
        for (w, h, cx, cy) in [(28, 28, 0.5, 0.6), (300, 200, 0.3, 0.5), (45, 90, 0.6, 0.55), (640, 480, 0.7, 0.3), (17, 23, 0.5, 0.6)] as [(Int, Int, Float, Float)] {
            var canvas = Canvas(width: w, height: h, background: 0)
            canvas.drawSix(ink: 1, cx: cx, cy: cy)
            assertMNISTForm(try MNISTForm.normalize(canvas.image), "\(w)x\(h) at (\(cx), \(cy))")
        }
    }

    func testDarkInkOnPaperIsInverted() throws {
        var light = Canvas(width: 120, height: 160, background: 0.92)
        light.drawSix(ink: 0.15)
        var dark = Canvas(width: 120, height: 160, background: 0)
        dark.drawSix(ink: 1)
        let a = try MNISTForm.normalize(light.image), b = try MNISTForm.normalize(dark.image)
        assertMNISTForm(a, "dark ink on paper")
        let difference = zip(a, b).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(difference, 0.05, "the same glyph, inverted, must give the same digit")
    }

    func testColourPNGs() throws {
        // Red ink on a yellow page, as RGB and as RGBA, through libpng.
        let w = 90, h = 70
        var mask = Canvas(width: w, height: h, background: 0)
        mask.drawSix(ink: 1)
        var rgb: [UInt8] = [], rgba: [UInt8] = []
        for v in mask.grey {
            let pixel: [UInt8] = v > 0 ? [200, 20, 20] : [250, 230, 120]
            rgb += pixel
            rgba += pixel + [255]
        }
        for (format, samples, name) in [(vaedyn_png_format_rgb, rgb, "RGB"), (vaedyn_png_format_rgba, rgba, "RGBA")] {
            let png = try PNGCodec.encode(width: w, height: h, format: format, samples: samples)
            assertMNISTForm(try MNISTForm.normalize(try PNGCodec.decode(png)), name)
        }
    }

    func testTransparentBackgroundKeepsDarkOrLightInk() throws {
        let w = 64, h = 64
        var mask = Canvas(width: w, height: h, background: 0)
        mask.drawSix(ink: 1)
        for inkLevel: UInt8 in [10, 245] {
            var ga: [UInt8] = []
            for v in mask.grey { ga += v > 0 ? [inkLevel, 255] : [128, 0] }
            let png = try PNGCodec.encode(width: w, height: h, format: vaedyn_png_format_ga, samples: ga)
            let decoded = try PNGCodec.decode(png)
            XCTAssertNotNil(decoded.alpha)
            assertMNISTForm(try MNISTForm.normalize(decoded), "grey+alpha, ink \(inkLevel)")
        }
    }

    func testPalettePNG() throws {
        // 12 x 10, colour type 3: a dark blue bar on a cream palette entry (made with zlib by hand).
        let png = [UInt8](Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAwAAAAKCAMAAAC38k/IAAAABlBMVEX68MgUHnh7E9h5AAAAEUlEQVR4nGNgwACMjPThQAEABJIAEb0hz8oAAAAASUVORK5CYII=")!)
        let image = try PNGCodec.decode(png)
        XCTAssertEqual(image.width, 12)
        XCTAssertEqual(image.height, 10)
        XCTAssertLessThan(image[5, 4], 0.3)
        XCTAssertGreaterThan(image[0, 0], 0.8)
        let pixels = try MNISTForm.normalize(image)
        let f = FormFacts(pixels)
        XCTAssertEqual(f.boxHeight, 20)
        XCTAssertEqual(f.centreX, 13.5, accuracy: 1)
    }

    func testGreyRoundTrip() throws {
        let image = GreyImage(width: 3, height: 2, pixels: [0, 0.5, 1, 1, 0.5, 0])
        let back = try PNGCodec.decode(try PNGCodec.encodeGrey(image))
        XCTAssertEqual(back.width, 3)
        for (a, b) in zip(back.pixels, image.pixels) { XCTAssertEqual(a, b, accuracy: 1.0 / 255) }
        XCTAssertNil(back.alpha)
    }

    func testBlankImageIsAnError() {
        XCTAssertThrowsError(try MNISTForm.normalize(GreyImage(width: 10, height: 10, pixels: [Float](repeating: 0.4, count: 100)))) {
            XCTAssertTrue("\($0)".contains("no ink"), "\($0)")
        }
    }

    func testBrokenPNGsAreErrors() throws {
        var canvas = Canvas(width: 40, height: 40, background: 0)
        canvas.drawSix(ink: 1)
        let png = try PNGCodec.encodeGrey(canvas.image)
        XCTAssertThrowsError(try PNGCodec.decode(Array(png.prefix(png.count / 2))))
        XCTAssertThrowsError(try PNGCodec.decode(Array("GIF89a".utf8)))
        XCTAssertThrowsError(try PNGCodec.decode([]))
        var limits = ImageLimits()
        limits.maxWidth = 30
        XCTAssertThrowsError(try PNGCodec.decode(png, limits: limits)) { XCTAssertTrue("\($0)".contains("limit"), "\($0)") }
    }
}
