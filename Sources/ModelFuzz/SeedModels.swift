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
            ("deep-tree", make(Architecture(inputSize: 8, hiddenSize: 4, latentSize: 2), classes: 4, exemplarsPerClass: 1, axes: 3, clusterCounts: [3, 2])),
            ("odd-tree", oddTree()),
        ]
    }

    /// A concept tree a load accepts but `vaedyn tree` does not write: the root first and
    /// the classes last in the file, a class (2) that skips the inner level, one (3) that
    /// skips both group levels, and a class (4) without a concept of its own.
    static func oddTree() -> ModelBundle {
        var bundle = make(Architecture(inputSize: 5, hiddenSize: 2, latentSize: 2), classes: 5, exemplarsPerClass: 1, axes: 2)
        let (classes, vectors) = ConceptTree.classes(of: bundle)
        let file = SemanticTreeFile(dataset: "seed", why: "levels that classes skip", levels: [
            .init(name: "inner", groups: [.init(id: "pair", label: "pair", members: ["c0", "c1"])]),
            .init(name: "outer", groups: [.init(id: "wide", label: "wide", members: ["pair", "c2"])]),
        ])
        let tree = try! ConceptTreeBuilder.semantic(classes: Array(classes.prefix(4)), vectors: Array(vectors.prefix(4)),
                                                    source: SemanticTreeSource(tree: file, path: "seed.json", sha256: "00"))
        let order = Array(tree.concepts.indices.reversed())
        ConceptTree(info: tree.info, concepts: order.map { tree.concepts[$0] }, vectors: order.map { tree.vectors[$0] }).apply(to: &bundle)
        return bundle
    }

    /// Random weights and class concepts under the paper's tree, or a learned tree cut at
    /// `clusterCounts`, and a full description (training record, metrics).
    static func make(_ a: Architecture, classes: Int, exemplarsPerClass: Int, axes: Int, clusterCounts: [Int] = []) -> ModelBundle {
        let parameters = Parameters(a)
        parameters.initialize(seed: UInt64(a.inputSize * 31 + classes))
        var rng = RandomStream(seed: UInt64(a.hiddenSize * 7 + axes))
        let z = a.latentSize
        func vector() -> [Float] { (0..<z).map { _ in rng.gaussianPair().0 } }
        var d = ModelDescription(id: "seed-\(a.inputSize)-\(classes)", dataset: "seed", architecture: a, classNames: (0..<classes).map { "c\($0)" })
        let classConcepts = (0..<classes).map { ConceptInfo(id: "class-\($0)", label: "c\($0)", level: "class", parent: nil, count: 3 + $0) }
        let classVectors = classConcepts.map { _ in vector() }
        let tree = clusterCounts.isEmpty ? ConceptTreeBuilder.paper(classes: classConcepts, vectors: classVectors)
            : try! ConceptTreeBuilder.learned(classes: classConcepts, vectors: classVectors, clusterCounts: clusterCounts)
        d.exemplars = (0..<classes).flatMap { c in (0..<exemplarsPerClass).map { ExemplarInfo(label: c, testIndex: c * exemplarsPerClass + $0) } }
        d.training = TrainingRecord(command: "seed", epochs: 1, batchSize: 2, learningRate: 0.001, finalLearningRate: 0.0001, seed: 1, threads: 1,
                                    binarisation: "none", dataSHA256: ["train": "00"], seconds: 0.5, imagesPerSecond: 10,
                                    finalTrainNegativeELBO: 1.5, finalTestNegativeELBO: nil)
        d.metrics = ModelMetrics(testImages: 2, evaluationSeed: 3, negativeELBO: 1.25, importanceSamples: 4, negativeLogLikelihood: 1,
                                 activeUnits: 1, fixtureNegativeELBO: 1.5)
        d.projectionVariance = (0..<axes).map { 0.5 / Double($0 + 1) }
        let pixels = d.exemplars.map { _ in (0..<a.inputSize).map { _ in UInt8(rng.uniform() * 255) } }
        var bundle = ModelBundle(description: d, parameters: parameters, exemplarPixels: pixels,
                                 projectionMean: axes > 0 ? vector() : [], projectionAxes: (0..<axes).map { _ in vector() })
        tree.apply(to: &bundle)
        return bundle
    }
}
