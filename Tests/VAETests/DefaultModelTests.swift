import Foundation
import VAE
import XCTest

/// The committed default model: its recorded figures meet the bar, and the figure it
/// recorded on the fixture is what this build computes from its weights.
final class DefaultModelTests: XCTestCase {
    static let url = CommittedModel.folder.appendingPathComponent("mnist-default.vaem")

    func load() throws -> ModelBundle {
        try ModelBundle(contentsOf: Self.url)
    }

    func testFileIsSmallEnoughToCommit() throws {
        try CommittedModel.assertSmallEnoughToCommit(Self.url)
    }

    func testRecordedMetricsMeetTheBar() throws {
        let model = try load()
        XCTAssertEqual(model.architecture, .paper)
        let metrics = try XCTUnwrap(model.description.metrics, "run `vaedyn eval models/mnist-default.vaem --save`")
        XCTAssertEqual(metrics.testImages, 10_000)
        XCTAssertEqual(metrics.importanceSamples, 1000)
        XCTAssertLessThanOrEqual(metrics.negativeELBO, 100)
        XCTAssertLessThanOrEqual(metrics.negativeLogLikelihood, 93)
        XCTAssertLessThan(metrics.negativeLogLikelihood, metrics.negativeELBO, "the importance-sampled bound must be tighter")
        let training = try XCTUnwrap(model.description.training)
        XCTAssertEqual(training.dataSHA256["train-images-idx3-ubyte"], "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")
    }

    func testFixtureFigureIsReproducedFromTheWeights() throws {
        try CommittedModel.assertFixtureFigure(of: load(), on: Fixture.testImages())
    }

    /// `vaedyn eval` overflowed a buffer here: the importance-sampled NLL borrowed a gradient
    /// buffer that evaluation workspaces no longer have. This runs it as eval does (a frozen
    /// network, the fixture binarised with the test seed) on a few images.
    func testImportanceSampledNLLRunsAsEvalRunsIt() throws {
        let model = try load()
        let fixture = try Fixture.testImages().subset(Array(0..<5))
        let seed = Trainer.testBinarisationSeed
        let images = Binarizer().binarize(fixture, seed: seed)
        let evaluator = Evaluator(network: Network(parameters: model.parameters, frozen: true))
        var reported: [Int] = []
        let nll = evaluator.negativeLogLikelihood(images: images, count: fixture.count, samples: 50, seed: seed) { reported.append($0) }
        let elbo = evaluator.negativeELBO(images: images, count: fixture.count, seed: seed)
        XCTAssertEqual(reported, Array(1...5))
        XCTAssertTrue(nll.isFinite && nll > 0)
        // 50 importance samples tighten the bound: below the one-sample ELBO of the same
        // images, but not by more than the model card's ELBO-NLL gap several times over.
        XCTAssertLessThan(nll, elbo)
        XCTAssertGreaterThan(nll, elbo - 30)
        XCTAssertEqual(nll, evaluator.negativeLogLikelihood(images: images, count: fixture.count, samples: 50, seed: seed),
                       "the same seed must give the same figure")
    }

    func testConceptsAndExemplarsMatchTheData() throws {
        let model = try load()
        let d = model.description
        XCTAssertEqual(d.concepts.map(\.id), (0..<10).map { "class-\($0)" } + ["all"])
        XCTAssertEqual(d.concepts.filter { $0.level == "class" }.map(\.count).reduce(0, +), 60_000)
        XCTAssertEqual(model.conceptVectors.count, 11)
        // xi_bar_all is the mean of the ten class concepts.
        for j in 0..<model.architecture.latentSize {
            let mean = (0..<10).map { model.conceptVectors[$0][j] }.reduce(0, +) / 10
            XCTAssertEqual(model.conceptVectors[10][j], mean, accuracy: 1e-5)
        }
        let fixture = try Fixture.testImages()
        var checked = 0
        for (info, pixels) in zip(d.exemplars, model.exemplarPixels) where info.testIndex < fixture.count {
            XCTAssertEqual(Int(fixture.labels[info.testIndex]), info.label)
            XCTAssertEqual(pixels, Array(fixture.pixels[info.testIndex * 784..<(info.testIndex + 1) * 784]))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
        XCTAssertEqual(Set(d.exemplars.map(\.label)), Set(0..<10))
        XCTAssertEqual(model.projectionAxes.count, 2)
    }
}
