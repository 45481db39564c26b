import Dynamics
import VAE

/// The smallest model request decoding can be checked against: MNIST's input size (the
/// image paths insist on 784 pixels), ten classes with two exemplars each, and a network
/// of one hidden unit and one latent dimension whose weights nothing reads.
enum TinyModel {
    static let id = "tiny"
    static let exemplarsPerClass = 2

    static func make() -> DynamicsModel {
        let architecture = Architecture(inputSize: 784, hiddenSize: 1, latentSize: 1)
        let classes = 10
        var description = ModelDescription(id: id, dataset: "none", architecture: architecture, classNames: (0..<classes).map(String.init))
        description.concepts = (0..<classes).map { ConceptInfo(id: "class-\($0)", label: "\($0)", level: "class", parent: "all", count: 1) }
            + [ConceptInfo(id: "all", label: "all", level: "all", parent: nil, count: classes)]
        let exemplars = classes * exemplarsPerClass
        description.exemplars = (0..<exemplars).map { ExemplarInfo(label: $0 / exemplarsPerClass, testIndex: $0) }
        let bundle = ModelBundle(description: description, parameters: Parameters(architecture),
                                 conceptVectors: Array(repeating: [0], count: description.concepts.count),
                                 exemplarPixels: (0..<exemplars).map { [UInt8](repeating: UInt8($0), count: architecture.inputSize) })
        // Only an inconsistent bundle can fail, and this one is consistent by construction.
        return try! DynamicsModel(bundle: bundle)
    }
}
