import Foundation
import VAE
import XCTest

/// The committed models/mnist-pytorch-examples.vaem: pytorch/examples' VAE (784-400-20,
/// ReLU) trained in PyTorch and brought in by `vaedyn import` (scripts/pytorch).
final class PyTorchModelTests: XCTestCase {
    static let url = CommittedModel.folder.appendingPathComponent("mnist-pytorch-examples.vaem")

    func load() throws -> ModelBundle {
        try ModelBundle(contentsOf: Self.url)
    }

    func testFileIsSmallEnoughToCommit() throws {
        try CommittedModel.assertSmallEnoughToCommit(Self.url)
    }

    func testItIsAnImportedReLUModelMeasuredOnTheMNISTTestSet() throws {
        let model = try load()
        XCTAssertEqual(model.description.dataset, "mnist")
        XCTAssertEqual(model.architecture, Architecture(inputSize: 784, hiddenSize: 400, latentSize: 20, activation: .relu))
        let imported = try XCTUnwrap(model.description.imported)
        XCTAssertEqual(imported.layout, TensorLayout.pytorchExamples.name)
        XCTAssertEqual(imported.sha256.count, 64)
        XCTAssertEqual(imported.tensors[TensorLayout.Role.encoderMeanWeight.rawValue], "fc21.weight")
        XCTAssertNil(model.description.training, "its training happened in PyTorch, which vaedyn did not record")
        try CommittedModel.assertMeasuredOnTheTestSet(model)
    }

    /// The ReLU forward pass of this build gives the stored figure again.
    func testFixtureFigureIsReproducedFromTheWeights() throws {
        try CommittedModel.assertFixtureFigure(of: load(), on: Fixture.testImages())
    }
}
