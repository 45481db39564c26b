import Foundation
import VAE
import XCTest

/// The committed models/mnist-paper.vaem: the checkpoint of the study (docs/study.md) that
/// its rule, fixed before the grid ran, chooses; measured, and reproducing its own figure.
final class PaperModelTests: XCTestCase {
    static let url = CommittedModel.folder.appendingPathComponent("mnist-paper.vaem")
    static let results = CommittedModel.folder.deletingLastPathComponent().appendingPathComponent("docs/study/results.jsonl")

    func load() throws -> ModelBundle {
        try ModelBundle(contentsOf: Self.url)
    }

    func testFileIsSmallEnoughToCommit() throws {
        try CommittedModel.assertSmallEnoughToCommit(Self.url)
    }

    func testItIsMeasuredOnTheMNISTTestSet() throws {
        let model = try load()
        XCTAssertEqual(model.description.dataset, "mnist")
        XCTAssertEqual(model.architecture.inputSize, 784)
        XCTAssertEqual(model.architecture.hiddenSize, 1024)
        try CommittedModel.assertMeasuredOnTheTestSet(model)
    }

    func testFixtureFigureIsReproducedFromTheWeights() throws {
        try CommittedModel.assertFixtureFigure(of: load(), on: Fixture.testImages())
    }

    /// The rule of docs/study.md, read again here from the results file alone: among the
    /// checkpoints whose test negative ELBO is within 5 nats of the best, the largest
    /// own-class share at the last Fig 2b step (the first measured on a tie).
    func testItIsTheCheckpointTheStudysRuleChooses() throws {
        let lines = try String(contentsOf: Self.results, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertGreaterThan(records.count, 1)
        func number(_ r: [String: Any], _ key: String) -> Double { (r[key] as? NSNumber)?.doubleValue ?? .nan }
        func finalShare(_ r: [String: Any]) -> Double {
            let steps = ((r["settings"] as? [String: Any])?["steps"] as? NSNumber)?.intValue ?? -1
            return ((r["ownShare"] as? [String: Any])?[String(steps)] as? NSNumber)?.doubleValue ?? -1
        }
        let best = records.map { number($0, "testNegativeELBO") }.min()!
        let candidates = records.filter { number($0, "testNegativeELBO") <= best + 5 }
        let chosen = candidates.reduce(candidates[0]) { finalShare($1) > finalShare($0) ? $1 : $0 }
        let model = try load()
        let training = try XCTUnwrap(model.description.training)
        XCTAssertEqual(model.architecture.latentSize, (chosen["latent"] as? NSNumber)?.intValue)
        XCTAssertEqual(training.epochs, (chosen["epoch"] as? NSNumber)?.intValue)
        XCTAssertEqual(training.seed, (chosen["seed"] as? NSNumber)?.uint64Value)
    }
}
