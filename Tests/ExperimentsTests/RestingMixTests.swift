import Dynamics
import Experiments
import Foundation
import VAE
import XCTest

/// The chain's resting class mix on the committed default model: shares that add up, the
/// same for the same seed, and one chain in one class.
final class RestingMixTests: XCTestCase {
    static func model() throws -> DynamicsModel {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try DynamicsModel(bundle: ModelBundle(contentsOf: root.appendingPathComponent("models/mnist-default.vaem")))
    }

    func testSharesAddUpAreReproducibleAndOneChainSitsInOneClass() throws {
        let model = try Self.model()
        let mix = try RestingMix(model: model, chains: 200, steps: 20, seed: 4)
        XCTAssertEqual(mix.classes, model.bundle.description.classNames)
        for shares in [mix.ancestral, mix.resting] {
            XCTAssertEqual(shares.count, 10)
            XCTAssertEqual(shares.reduce(0, +), 1, accuracy: 1e-5)
            // Every share a whole number of the 200 chains.
            XCTAssertTrue(shares.allSatisfy { abs($0 * 200 - ($0 * 200).rounded()) < 1e-3 }, "\(shares)")
        }
        XCTAssertEqual(try RestingMix(model: model, chains: 200, steps: 20, seed: 4), mix)
        XCTAssertNotEqual(try RestingMix(model: model, chains: 200, steps: 20, seed: 5).resting, mix.resting)
        let one = try RestingMix(model: model, chains: 1, steps: 3, seed: 4)
        XCTAssertEqual(one.resting.filter { $0 == 1 }.count, 1)
        XCTAssertThrowsError(try RestingMix(model: model, chains: 0, steps: 3, seed: 4))
        XCTAssertThrowsError(try RestingMix(model: model, chains: 10, steps: 5, seed: 4, isCancelled: { true })) { XCTAssertTrue($0 is CancellationError) }
        print("resting mix, 200 chains, t = 20:", mix.resting.map { String(format: "%.2f", $0) }, "ancestral:", mix.ancestral.map { String(format: "%.2f", $0) })
    }
}
