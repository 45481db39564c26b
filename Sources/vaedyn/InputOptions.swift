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

    func loadModel() throws -> DynamicsModel {
        try loadModelFile().model
    }

    /// The model and the SHA-256 of its file, from one read.
    func loadModelFile() throws -> (model: DynamicsModel, sha256: String) {
        let file = try ModelFile(model)
        return (try reporting(model) { try DynamicsModel(bundle: file.bundle) }, file.sha256)
    }

    func testSet() throws -> ImageSet {
        try reporting("test data") { try ImageSet(folder: URL(fileURLWithPath: data), prefix: "t10k") }
    }

    /// The single input these options name (default: the first exemplar of class 6, the paper's Fig 2).
    func input(for model: DynamicsModel) throws -> DynamicsInput {
        if let image {
            let pixels = try reporting(image) { () -> [UInt8] in
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
                // Raw bytes are taken as they are: already in the model's form.
                if bytes.count == model.architecture.inputSize { return bytes }
                let pixels = try DigitImage.mnistBytes(bytes)
                guard pixels.count == model.architecture.inputSize else {
                    throw CLIError("model '\(model.id)' takes \(model.architecture.inputSize) pixels, not MNIST's \(pixels.count)")
                }
                return pixels
            }
            return DynamicsInput(pixels: pixels, label: label, info: InputInfo(source: "image", label: label))
        }
        if let testIndex { return try reporting("input") { try DynamicsInput.testImage(testSet(), label: nil, index: testIndex) } }
        let digit = digit ?? 6
        let stored = model.bundle.description.exemplars.filter { $0.label == digit }.count
        if index < stored { return try reporting("input") { try DynamicsInput.exemplar(of: model, label: digit, index: index) } }
        return try reporting("input") { try DynamicsInput.testImage(testSet(), label: digit, index: index) }
    }

    /// The first `count` test images of each class in `labels` (the model's exemplars when
    /// it stores that many).
    func population(for model: DynamicsModel, labels: [Int], count: Int) throws -> [DynamicsInput] {
        let stored = labels.map { l in model.bundle.description.exemplars.filter { $0.label == l }.count }.min() ?? 0
        if count <= stored { return try reporting("inputs") { try DynamicsInput.exemplars(of: model, labels: labels, perClass: count) } }
        let test = try testSet()
        return try reporting("inputs") { try labels.flatMap { l in try (0..<count).map { try DynamicsInput.testImage(test, label: l, index: $0) } } }
    }
}
