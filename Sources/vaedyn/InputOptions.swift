import Experiments
import ArgumentParser
import Dynamics
import Foundation
import Imaging
import VAE

/// The model and the input image(s) of a dynamics or sweep command.
struct InputOptions: ParsableArguments {
    @Option(help: "Model file (.vaem).") var model = "models/mnist-default.vaem"
    @Option(help: "Class of the input: with --index, the K-th test image of this class (the model's exemplars first).") var digit: Int?
    @Option(help: "Position of the input among the test images of --digit.") var index = 0
    @Option(help: "Input image: PNG or PGM of any size (brought to MNIST form), or exactly 784 raw bytes.") var image: String?
    @Option(help: "Class of --image, when known (needed for stages).") var label: Int?
    @Option(name: .customLong("test-index"), help: "Input: the test image at this position of the test set (needs --data).") var testIndex: Int?
    @Option(help: "Folder with the MNIST IDX files (only for test images beyond the model's exemplars, and --memory).") var data = "data/mnist"

    func validate() throws {
        let given = [digit != nil, image != nil, testIndex != nil].filter { $0 }.count
        if given > 1 { throw ValidationError("give one of --digit/--index, --image, --test-index") }
        if index < 0 { throw ValidationError("--index must be >= 0") }
        if label != nil && image == nil { throw ValidationError("--label is the class of --image; other inputs know their class") }
    }

    var hasInput: Bool { digit != nil || image != nil || testIndex != nil }

    /// The one input these options name (default: the first exemplar of class 6, the paper's Fig 2).
    var choice: InputSource.Choice {
        if let image { return .image(path: image, label: label) }
        if let testIndex { return .testImage(index: testIndex) }
        return .exemplar(digit: digit ?? 6, index: index)
    }

    /// The options' model and data folder with `choice` (default: the one input they name).
    func source(_ choice: InputSource.Choice? = nil) -> InputSource {
        InputSource(model: model, data: data, choice: choice ?? self.choice)
    }

    func loadModel() throws -> DynamicsModel {
        try source().loadModel().model
    }

    func testSet() throws -> ImageSet {
        try source().testSet()
    }

    /// The single input these options name.
    func input(for model: DynamicsModel) throws -> DynamicsInput {
        try source().inputs(for: model)[0]
    }
}
