import Dynamics
import Foundation
import VAE
import XCTest

/// The population imputation's batches are independent units: what lets `vaedyn impute`
/// run them in different processes and merge them into the scores of one run.
final class ImputationExperimentTests: XCTestCase {
    func images(_ count: Int) -> [[UInt8]] {
        var rng = RandomStream(seed: 7, stream: 0)
        return (0..<count).map { _ in (0..<784).map { _ in UInt8(rng.uniform() < 0.3 ? 255 : 0) } }
    }

    func testBatchesRunApartAndInAnyOrderGiveTheScoresOfOneRun() throws {
        let model = try TestModels.synthetic()
        let mask = try ImputationMask(.named("random:0.5:3"), pixels: 784)
        let pictures = images(11)
        for kernel in [DynamicsParameters.Kernel.clamped, .mwg] {
            let whole = try ImputationExperiment(model: model, mask: mask, kernel: kernel, trials: 3, steps: 4, seed: 5, batchImages: 4)
                .run(images: pictures)
            XCTAssertEqual(whole.map(\.t), Array(0...4))
            // Each batch in a fresh experiment, as another process would, the last first.
            let batches = try (0..<3).reversed().map { b -> (Int, [ImputationTally]) in
                let fresh = try ImputationExperiment(model: model, mask: mask, kernel: kernel, trials: 3, steps: 4, seed: 5, batchImages: 4)
                let range = fresh.batchRange(b, images: pictures.count)
                return (b, try fresh.tallies(ofBatch: Array(pictures[range]), first: range.lowerBound))
            }.sorted { $0.0 < $1.0 }.map(\.1)
            XCTAssertEqual(ImputationExperiment.scores(batches, images: pictures.count), whole, "\(kernel)")
            for s in whole {
                XCTAssert((0...1).contains(s.accuracy) && (0...1).contains(s.f1) && s.logLikelihood <= 0, "\(s)")
                XCTAssertEqual(s.acceptance != nil, kernel == .mwg && s.t > 0, "\(kernel) t = \(s.t)")
            }
        }
    }

    func testTheBatchesCoverTheImagesOnceInOrder() throws {
        let e = try ImputationExperiment(model: try TestModels.synthetic(), mask: try ImputationMask(.named("top-half"), pixels: 784),
                                         kernel: .clamped, trials: 1, steps: 0, seed: 1, batchImages: 50)
        for count in [1, 49, 50, 51, 120] {
            let ranges = (0..<e.batchCount(images: count)).map { e.batchRange($0, images: count) }
            XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<count), "\(count) images")
            XCTAssert(ranges.allSatisfy { (1...50).contains($0.count) })
        }
    }

    func testAnImageSeesTheSameChainsWhateverBatchItIsIn() throws {
        // Image n's trial i draws from stream (seed, n * trials + i) and the chains are
        // row-invariant, so one image's tallies in a batch of one equal its share of a batch of three.
        let model = try TestModels.synthetic()
        let mask = try ImputationMask(.named("bottom-half"), pixels: 784)
        let pictures = images(3)
        let e = try ImputationExperiment(model: model, mask: mask, kernel: .clamped, trials: 2, steps: 3, seed: 9, batchImages: 3)
        let apart = try (0..<3).map { try e.tallies(ofBatch: [pictures[$0]], first: $0) }
        let together = try e.tallies(ofBatch: pictures, first: 0)
        let sum = ImputationExperiment.scores(apart, images: 3), joint = ImputationExperiment.scores([together], images: 3)
        for (a, b) in zip(sum, joint) {
            XCTAssertEqual(a.accuracy, b.accuracy)
            XCTAssertEqual(a.f1, b.f1)
            XCTAssertEqual(a.logLikelihood, b.logLikelihood, accuracy: 1e-9 * abs(b.logLikelihood))
        }
    }
}
