import Dynamics
import VAE

/// The seed corpus: small valid bundles of the shapes a model file can take, a few KB each
/// (the committed model is 7.7 MB, far beyond what a fuzzer mutates usefully). Written by
/// `ModelFuzz --write-seeds Tests/FuzzSeeds/model`.
enum SeedModels {
    static func all() -> [(String, ModelBundle)] {
        [
            ("two-classes", make(Architecture(inputSize: 4, hiddenSize: 3, latentSize: 2), classes: 2, exemplarsPerClass: 1, axes: 2)),
            ("no-projection", make(Architecture(inputSize: 6, hiddenSize: 2, latentSize: 3), classes: 3, exemplarsPerClass: 2, axes: 0)),
            ("smallest", make(Architecture(inputSize: 1, hiddenSize: 1, latentSize: 1), classes: 1, exemplarsPerClass: 0, axes: 0)),
            ("deep-tree", make(Architecture(inputSize: 8, hiddenSize: 4, latentSize: 2), classes: 4, exemplarsPerClass: 1, axes: 3, groups: 2)),
            ("odd-tree", oddTree()),
        ]
    }

    /// A concept tree a load accepts but no training writes: parents that cycle or name no
    /// concept, no root, and a class (3) without a concept of its own.
    static func oddTree() -> ModelBundle {
        var bundle = make(Architecture(inputSize: 5, hiddenSize: 2, latentSize: 2), classes: 4, exemplarsPerClass: 1, axes: 2)
        bundle.description.concepts = [
            ConceptInfo(id: "class-0", label: "c0", level: "class", parent: "class-1", count: 1),
            ConceptInfo(id: "class-1", label: "c1", level: "class", parent: "class-0", count: 1),
            ConceptInfo(id: "class-2", label: "c2", level: "class", parent: "nowhere", count: 1),
        ]
        bundle.conceptVectors = Array(bundle.conceptVectors.prefix(3))
        return bundle
    }

    /// Random weights and concepts; one concept per class, `groups` concepts between the
    /// classes and "all" when `groups` > 0, and a full description (training record, metrics).
    static func make(_ a: Architecture, classes: Int, exemplarsPerClass: Int, axes: Int, groups: Int = 0) -> ModelBundle {
        let parameters = Parameters(a)
        parameters.initialize(seed: UInt64(a.inputSize * 31 + classes))
        var rng = RandomStream(seed: UInt64(a.hiddenSize * 7 + axes))
        let z = a.latentSize
        func vector() -> [Float] { (0..<z).map { _ in rng.gaussianPair().0 } }
        var d = ModelDescription(id: "seed-\(a.inputSize)-\(classes)", dataset: "seed", architecture: a, classNames: (0..<classes).map { "c\($0)" })
        let groupIDs = (0..<groups).map { "group-\($0)" }
        d.concepts = (0..<classes).map { c in
            ConceptInfo(id: "class-\(c)", label: "c\(c)", level: "class", parent: groups > 0 ? groupIDs[c % groups] : "all", count: 3 + c)
        }
        d.concepts += groupIDs.map { ConceptInfo(id: $0, label: $0, level: "group", parent: "all", count: 2) }
        d.concepts.append(ConceptInfo(id: "all", label: "all", level: "all", parent: nil, count: classes))
        d.exemplars = (0..<classes).flatMap { c in (0..<exemplarsPerClass).map { ExemplarInfo(label: c, testIndex: c * exemplarsPerClass + $0) } }
        d.training = TrainingRecord(command: "seed", epochs: 1, batchSize: 2, learningRate: 0.001, finalLearningRate: 0.0001, seed: 1, threads: 1,
                                    binarisation: "none", dataSHA256: ["train": "00"], seconds: 0.5, imagesPerSecond: 10,
                                    finalTrainNegativeELBO: 1.5, finalTestNegativeELBO: nil)
        d.metrics = ModelMetrics(testImages: 2, evaluationSeed: 3, negativeELBO: 1.25, importanceSamples: 4, negativeLogLikelihood: 1,
                                 activeUnits: 1, fixtureNegativeELBO: 1.5)
        d.projectionVariance = (0..<axes).map { 0.5 / Double($0 + 1) }
        let pixels = d.exemplars.map { _ in (0..<a.inputSize).map { _ in UInt8(rng.uniform() * 255) } }
        return ModelBundle(description: d, parameters: parameters, conceptVectors: d.concepts.map { _ in vector() }, exemplarPixels: pixels,
                           projectionMean: axes > 0 ? vector() : [], projectionAxes: (0..<axes).map { _ in vector() })
    }
}
