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
    /// checkpoints with the paper's 100 latent units, the most inputs whose approach to their
    /// class concept beats its control; ties: the most inputs in stage II with Bonferroni
    /// support, then the lower test negative ELBO.
    func testItIsTheCheckpointTheStudysRuleChooses() throws {
        let lines = try String(contentsOf: Self.results, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertGreaterThan(records.count, 1)
        func number(_ r: [String: Any], _ key: String) -> Double { (r[key] as? NSNumber)?.doubleValue ?? .nan }
        func controlled(_ r: [String: Any], _ key: String) -> Double { ((r["controlled"] as? [String: Any])?[key] as? NSNumber)?.doubleValue ?? -1 }
        let candidates = records.filter { (($0["latent"] as? NSNumber)?.intValue ?? 0) == 100 }
        XCTAssertFalse(candidates.isEmpty, "no checkpoint with 100 latent units in the study")
        let chosen = try XCTUnwrap(candidates.min { a, b in
            (-controlled(a, "approachAbove"), -controlled(a, "stageTwoFamilywise"), number(a, "testNegativeELBO"))
                < (-controlled(b, "approachAbove"), -controlled(b, "stageTwoFamilywise"), number(b, "testNegativeELBO"))
        })
        let model = try load()
        let training = try XCTUnwrap(model.description.training)
        XCTAssertEqual(model.architecture.latentSize, (chosen["latent"] as? NSNumber)?.intValue)
        XCTAssertEqual(training.epochs, (chosen["epoch"] as? NSNumber)?.intValue)
        XCTAssertEqual(training.seed, (chosen["seed"] as? NSNumber)?.uint64Value)
    }
}
