import Dynamics
import Foundation
import VAE

enum TestModels {
    /// A randomly initialised network of the given size with ten random class concepts, an
    /// "all" concept and random exemplars: enough for the engine's mechanics.
    static func synthetic(_ architecture: Architecture = Architecture(inputSize: 784, hiddenSize: 64, latentSize: 8)) throws -> DynamicsModel {
        let parameters = Parameters(architecture)
        parameters.initialize(seed: 5)
        var description = ModelDescription(id: "synthetic", dataset: "random", architecture: architecture, classNames: (0..<10).map(String.init))
        var rng = RandomStream(seed: 9)
        let z = architecture.latentSize
        var vectors: [[Float]] = (0..<10).map { _ in (0..<z).map { _ in rng.gaussianPair().0 } }
        vectors.append((0..<z).map { j in vectors.reduce(0) { $0 + $1[j] } / 10 })
        description.concepts = (0..<10).map { ConceptInfo(id: "class-\($0)", label: "\($0)", level: "class", parent: "all", count: 1) }
            + [ConceptInfo(id: "all", label: "all", level: "all", parent: nil, count: 10)]
        description.exemplars = (0..<10).flatMap { c in (0..<2).map { ExemplarInfo(label: c, testIndex: c * 2 + $0) } }
        let pixels = description.exemplars.map { _ in (0..<architecture.inputSize).map { _ in UInt8(rng.uniform() < 0.2 ? 255 : 0) } }
        let axes = (0..<2).map { k in (0..<z).map { Float($0 == k ? 1 : 0) } }
        let bundle = ModelBundle(description: description, parameters: parameters, conceptVectors: vectors, exemplarPixels: pixels,
                                 projectionMean: [Float](repeating: 0, count: z), projectionAxes: axes)
        return try DynamicsModel(bundle: bundle)
    }

    /// The committed default model (models/mnist-default.vaem at the repository root).
    static func committed() throws -> DynamicsModel {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("models/mnist-default.vaem")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DynamicsError("models/mnist-default.vaem is missing: the paper's claims are tested on the committed default model")
        }
        return try DynamicsModel(bundle: ModelBundle(contentsOf: url))
    }

    /// Runs and collects every record.
    static func records(_ run: DynamicsRun, isCancelled: @escaping () -> Bool = { false }) -> [DynamicsRecord] {
        var records: [DynamicsRecord] = []
        run.run(isCancelled: isCancelled) { records.append($0) }
        return records
    }

    static func steps(_ records: [DynamicsRecord]) -> [StepRecord] {
        records.compactMap { if case .step(let s) = $0 { s } else { nil } }
    }
}
