import Foundation
import VAE
import XCTest

/// What every committed model must show, whatever its dataset.
enum CommittedModel {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models")

    static func assertSmallEnoughToCommit(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        XCTAssertLessThanOrEqual(size, 10 * 1024 * 1024, file: file, line: line)
    }

    /// `vaedyn eval --save` measured it on the whole test set: the importance-sampled bound
    /// tighter than the ELBO, and both below a fair coin per pixel (784 ln 2 nats).
    static func assertMeasuredOnTheTestSet(_ model: ModelBundle, file: StaticString = #filePath, line: UInt = #line) throws {
        let metrics = try XCTUnwrap(model.description.metrics, "run `vaedyn eval models/\(model.description.id).vaem --save`", file: file, line: line)
        XCTAssertEqual(metrics.testImages, 10_000, file: file, line: line)
        XCTAssertLessThan(metrics.negativeLogLikelihood, metrics.negativeELBO, "the importance-sampled bound must be tighter", file: file, line: line)
        XCTAssertLessThan(metrics.negativeELBO, 784 * log(2.0), "no better than a fair coin per pixel", file: file, line: line)
    }

    /// `vaedyn eval --save` stored the negative ELBO of the fixture's images; this build
    /// computes it again from the weights, with the same binarisation and noise.
    static func assertFixtureFigure(of model: ModelBundle, on fixture: ImageSet, file: StaticString = #filePath, line: UInt = #line) throws {
        let stored = try XCTUnwrap(model.description.metrics, file: file, line: line).fixtureNegativeELBO
        let images = Binarizer().binarize(fixture, seed: Trainer.testBinarisationSeed)
        let computed = Evaluator(network: Network(parameters: model.parameters))
            .negativeELBO(images: images, count: fixture.count, seed: Trainer.testBinarisationSeed)
        XCTAssertEqual(computed, stored, accuracy: 1e-3 * stored, file: file, line: line)
        // The active units the controls lie in: as many as counted, and mostly the ones the
        // fixture's 100 images find active too (the file's are over the 10,000 test images).
        let metrics = try XCTUnwrap(model.description.metrics, file: file, line: line)
        let units = try XCTUnwrap(metrics.activeUnitIndices, "run `vaedyn eval models/\(model.description.id).vaem --save`", file: file, line: line)
        XCTAssertEqual(units.count, metrics.activeUnits, file: file, line: line)
        let z = model.architecture.latentSize
        let means = Evaluator(network: Network(parameters: model.parameters, frozen: true)).encoderMeans(images: images.view, count: fixture.count)
        let fixtureUnits = Set(Evaluator.activeUnitIndices(means: means, latent: z))
        XCTAssertLessThanOrEqual(fixtureUnits.symmetricDifference(units).count, z / 10, "\(units) against the fixture's \(fixtureUnits.sorted())", file: file, line: line)
    }
}
