import Dynamics
import XCTest

/// The mask forms of docs/records.md on a 28 x 28 image, and the errors of bad ones.
final class ImputationMaskTests: XCTestCase {
    func mask(_ text: String, pixels: Int = 784) throws -> ImputationMask { try ImputationMask(.named(text), pixels: pixels) }

    func testTheHalvesHideTheirHalf() throws {
        let cases: [(String, (Int, Int) -> Bool)] = [
            ("top-half", { r, _ in r < 14 }), ("bottom-half", { r, _ in r >= 14 }),
            ("left-half", { _, c in c < 14 }), ("right-half", { _, c in c >= 14 }),
        ]
        for (name, inside) in cases {
            let m = try mask(name)
            XCTAssertEqual(m.hiddenCount, 392, name)
            for i in 0..<784 { XCTAssertEqual(m.hidden[i], inside(i / 28, i % 28), "\(name) pixel \(i)") }
            XCTAssertEqual(m.form, .named(name))
        }
    }

    func testASquareHidesItsPixelsOnly() throws {
        let m = try mask("square:3,4,5,6")
        XCTAssertEqual(m.hiddenCount, 30)
        XCTAssertTrue(m.hidden[4 * 28 + 3] && m.hidden[9 * 28 + 7])
        XCTAssertFalse(m.hidden[4 * 28 + 2] || m.hidden[10 * 28 + 3] || m.hidden[3 * 28 + 3] || m.hidden[4 * 28 + 8])
        XCTAssertEqual(try mask("square:0,0,28,28").hiddenCount, 784)
    }

    func testARandomMaskHidesItsFractionExactlyAndDependsOnItsSeedAlone() throws {
        let half = try mask("random:0.5")
        XCTAssertEqual(half.hiddenCount, 392)
        XCTAssertEqual(half.form, .named("random:0.5:1"), "the seed is written out")
        XCTAssertEqual(try mask("random:0.5:1"), half)
        XCTAssertNotEqual(try mask("random:0.5:2").hidden, half.hidden)
        XCTAssertEqual(try mask("random:0.8").hiddenCount, 627)
        XCTAssertEqual(try mask("random:1").hiddenCount, 784)
        // Spread over the image, not a block: each half of the rows holds some.
        XCTAssertTrue(half.hidden[..<392].contains(true) && half.hidden[392...].contains(true))
    }

    func testListsAndImages() throws {
        let list = try ImputationMask(.indices([5, 1, 700]), pixels: 784)
        XCTAssertEqual(list.hiddenIndices, [1, 5, 700])
        var image = [UInt8](repeating: 0, count: 784)
        image[3] = 255
        image[9] = 128
        image[10] = 127
        XCTAssertEqual(try ImputationMask(image: image).hiddenIndices, [3, 9])
        XCTAssertEqual(try ImputationMask(image: image).form, .indices([3, 9]))
    }

    func testBadMasksAreRefusedWithTheReason() {
        let bad: [(ImputationMask.Form, String)] = [
            (.named("diagonal"), "must be top-half"), (.named("top-half:1"), "must be top-half"),
            (.named("square:27,27,2,2"), "inside"), (.named("square:1,2,3"), "square:X,Y,W,H"), (.named("square:0,0,0,4"), "W, H >= 1"),
            (.named("random:0"), "0 < F <= 1"), (.named("random:1.5"), "0 < F <= 1"), (.named("random:half"), "0 < F <= 1"),
            (.named("random:0.5:-1"), "SEED"), (.indices([]), "hides no pixel"), (.indices([784]), "not a pixel"),
            (.indices([-1]), "not a pixel"), (.indices([2, 2]), "twice"),
        ]
        for (form, reason) in bad {
            XCTAssertThrowsError(try ImputationMask(form, pixels: 784), "\(form)") { error in
                XCTAssertTrue("\(error)".contains(reason), "\(form): \(error)")
            }
        }
        XCTAssertThrowsError(try ImputationMask(.named("top-half"), pixels: 50)) { XCTAssertTrue("\($0)".contains("square image"), "\($0)") }
        XCTAssertNoThrow(try ImputationMask(.named("random:0.5"), pixels: 50), "a random mask needs no square")
    }

    func testTheRulesBetweenKernelAndMask() {
        var p = DynamicsParameters()
        XCTAssertNil(p.kernelRule)
        p.mask = .named("top-half")
        XCTAssertEqual(p.kernelRule?.parameter, "mask", "gibbs takes no mask")
        p.kernel = .clamped
        XCTAssertNil(p.kernelRule)
        p.image = .mean
        XCTAssertNil(p.kernelRule, "pseudo-Gibbs may take means")
        p.kernel = .mwg
        XCTAssertEqual(p.kernelRule?.parameter, "kernel")
        p.image = .sample
        XCTAssertNil(p.kernelRule)
        p.binarize = false
        XCTAssertEqual(p.kernelRule?.parameter, "kernel")
        p.binarize = true
        p.mask = nil
        XCTAssertEqual(p.kernelRule?.parameter, "mask")
        XCTAssertThrowsError(try p.validate())
    }
}
