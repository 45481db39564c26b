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

    /// `vaedyn eval --save` stored the negative ELBO of the fixture's images; this build
    /// computes it again from the weights, with the same binarisation and noise.
    static func assertFixtureFigure(of model: ModelBundle, on fixture: ImageSet, file: StaticString = #filePath, line: UInt = #line) throws {
        let stored = try XCTUnwrap(model.description.metrics, file: file, line: line).fixtureNegativeELBO
        let images = Binarizer().binarize(fixture, seed: Trainer.testBinarisationSeed)
        let computed = Evaluator(network: Network(parameters: model.parameters))
            .negativeELBO(images: images, count: fixture.count, seed: Trainer.testBinarisationSeed)
        XCTAssertEqual(computed, stored, accuracy: 1e-3 * stored, file: file, line: line)
    }
}
