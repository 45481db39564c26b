import Dynamics
import Foundation
import Imaging
import VAE

/// Which input images a run starts from, as a value a shard file can carry: the model file,
/// the test set's folder, and the choice among its images (or a file of one's own).
public struct InputSource: Codable, Equatable {
    public enum Choice: Codable, Equatable {
        /// The `index`-th test image of class `digit` (the model's stored exemplars first).
        case exemplar(digit: Int, index: Int)
        /// A PNG or PGM of any size, brought to MNIST form, or exactly the model's raw bytes.
        case image(path: String, label: Int?)
        /// The test image at this position of the test set.
        case testImage(index: Int)
        /// The first `count` test images of each class in `labels` (every class when nil).
        case population(labels: [Int]?, count: Int)
    }

    public var model: String
    /// Folder with the test set's IDX files (only for test images beyond the model's exemplars).
    public var data: String
    public var choice: Choice

    public init(model: String, data: String, choice: Choice) {
        self.model = model
        self.data = data
        self.choice = choice
    }

    /// The model and the SHA-256 of its file, from one read.
    public func loadModel() throws -> (model: DynamicsModel, sha256: String) {
        let file = try ModelFile(model)
        return (try reporting(model) { try DynamicsModel(bundle: file.bundle) }, file.sha256)
    }

    public func testSet() throws -> ImageSet {
        try reporting("test data") { try ImageSet(folder: URL(fileURLWithPath: data), prefix: "t10k") }
    }

    /// The inputs the choice names, for `model`.
    public func inputs(for model: DynamicsModel) throws -> [DynamicsInput] {
        switch choice {
        case let .image(path, label):
            let pixels = try reporting(path) { () -> [UInt8] in
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                // Raw bytes are taken as they are: already in the model's form.
                if bytes.count == model.architecture.inputSize { return bytes }
                let pixels = try DigitImage.mnistBytes(bytes)
                guard pixels.count == model.architecture.inputSize else {
                    throw ExperimentError("model '\(model.id)' takes \(model.architecture.inputSize) pixels, not MNIST's \(pixels.count)")
                }
                return pixels
            }
            return [DynamicsInput(pixels: pixels, label: label, info: InputInfo(source: "image", label: label))]
        case let .testImage(index):
            return [try reporting("input") { try DynamicsInput.testImage(testSet(), label: nil, index: index) }]
        case let .exemplar(digit, index):
            let stored = model.bundle.description.exemplars.filter { $0.label == digit }.count
            if index < stored { return [try reporting("input") { try DynamicsInput.exemplar(of: model, label: digit, index: index) }] }
            return [try reporting("input") { try DynamicsInput.testImage(testSet(), label: digit, index: index) }]
        case let .population(labels, count):
            let classes = model.bundle.description.classNames.indices
            if let bad = labels?.first(where: { !classes.contains($0) }) {
                throw ExperimentError("the population's class \(bad) is not one of model '\(model.id)''s classes 0...\(classes.count - 1)")
            }
            let labels = labels ?? Array(classes)
            let stored = labels.map { l in model.bundle.description.exemplars.filter { $0.label == l }.count }.min() ?? 0
            if count <= stored { return try reporting("inputs") { try DynamicsInput.exemplars(of: model, labels: labels, perClass: count) } }
            let test = try testSet()
            return try reporting("inputs") { try labels.flatMap { l in try (0..<count).map { try DynamicsInput.testImage(test, label: l, index: $0) } } }
        }
    }
}
