import Dynamics
import Foundation
import VAE

/// One rung of the ladder: data with child-parent correlation b, or the structureless control.
public enum LadderRung: Codable, Equatable, Hashable, CustomStringConvertible {
    case structured(b: Float)
    /// b = 0 at every level, items included: labels no pattern supports.
    case structureless

    /// The rung's folder under the work folder, and its name in the report.
    public var name: String {
        switch self {
        case .structured(let b): "b\(b)"
        case .structureless: "structureless"
        }
    }

    public var description: String {
        switch self {
        case .structured(let b): "b = \(b)"
        case .structureless: "structureless (b = 0, item b = 0)"
        }
    }
}

/// Everything a ladder's figures depend on besides the rung: kept on every results line.
public struct LadderSettings: Codable, Equatable {
    /// The data: b of each structured rung, the item correlation of the structured rungs,
    /// and the shape every rung shares (`HierarchySpec`).
    public var correlations: [Float]
    public var itemCorrelation: Float
    public var groups: Int, classesPerGroup: Int, trainPerClass: Int, testPerClass: Int
    public var dataSeed: UInt64
    /// The network (784-hidden-latent, tanh, Bernoulli pixels) and its training.
    public var hidden: Int, latent: Int, epochs: Int
    public var trainSeed: UInt64
    /// The measures, as `vaedyn reproduce` runs them (sampled x).
    public var measures: PopulationMeasures

    public init(correlations: [Float], itemCorrelation: Float, groups: Int, classesPerGroup: Int, trainPerClass: Int, testPerClass: Int,
                dataSeed: UInt64, hidden: Int, latent: Int, epochs: Int, trainSeed: UInt64, measures: PopulationMeasures) {
        self.correlations = correlations
        self.itemCorrelation = itemCorrelation
        self.groups = groups
        self.classesPerGroup = classesPerGroup
        self.trainPerClass = trainPerClass
        self.testPerClass = testPerClass
        self.dataSeed = dataSeed
        self.hidden = hidden
        self.latent = latent
        self.epochs = epochs
        self.trainSeed = trainSeed
        self.measures = measures
    }

    /// The structured rungs in order, then the structureless control.
    public var rungs: [LadderRung] { correlations.map { .structured(b: $0) } + [.structureless] }

    public func spec(_ rung: LadderRung) -> HierarchySpec {
        let (b, item): (Float, Float) = switch rung {
        case .structured(let b): (b, itemCorrelation)
        case .structureless: (0, 0)
        }
        return HierarchySpec(seed: dataSeed, groups: groups, classesPerGroup: classesPerGroup, childCorrelation: b, itemCorrelation: item,
                             trainPerClass: trainPerClass, testPerClass: testPerClass)
    }

    /// Refuses what cannot run, before anything is generated or trained.
    public func validate() throws {
        guard !correlations.isEmpty else { throw ExperimentError("--b needs at least one correlation") }
        guard Set(correlations).count == correlations.count else { throw ExperimentError("--b lists a correlation twice") }
        for rung in rungs { try reporting("rung \(rung)") { try spec(rung).validate() } }
        guard latent > 0, hidden > 0, epochs > 0 else { throw ExperimentError("--latent, --hidden and --epochs must be positive") }
        try measures.validate(testPerClass: testPerClass)
    }
}

/// How well the model's concepts recover the patterns the data was made from: the cosine
/// between a decoded concept (2 p - 1 of the decoder's mean image) and its true pattern as
/// +-1, against the largest cosine with another pattern of the same level (the control: a
/// concept that recovers nothing is as near the others).
public struct ConceptRecovery: Codable, Equatable {
    public var classOwn: Float, classOther: Float
    public var groupOwn: Float, groupOther: Float

    public init(classOwn: Float, classOther: Float, groupOwn: Float, groupOther: Float) {
        self.classOwn = classOwn
        self.classOther = classOther
        self.groupOwn = groupOwn
        self.groupOther = groupOther
    }
}

/// One line of a ladder's results: a rung's data, model and measures. Shares are of the inputs.
public struct LadderRecord: Codable, Equatable {
    public var rung: LadderRung
    public var settings: LadderSettings
    public var dataSHA256: [String: String]
    public var testNegativeELBO: Double
    public var activeUnits: Int
    public var recovery: ConceptRecovery
    /// The paper's claims against their controls (sampled x), as `StudyControlled` defines them.
    public var approachAbove: Float, approachBelow: Float, contrastGain: Float, departsBeyondControl: Float, movesToMemory: Float
    /// Fig 3 on the generator's tree (item, class, group, all): decided calls per ratio and
    /// level, undecided per ratio, and the inputs at each level at some ratio with a support
    /// that survives the best of the ratios (Bonferroni), in the order of the levels.
    public var levels: [String]
    public var stageCounts: [[Int]]
    public var undecidedCounts: [Int]
    public var familywise: [Float]
    public var monotone: Float
    public var trainingSeconds: Double, measuringSeconds: Double

    /// The class level's and the group levels' familywise shares.
    public var stageTwo: Float { familywise.count > 1 ? familywise[1] : 0 }
    public var groupStage: Float { familywise.count > 3 ? familywise[2..<(familywise.count - 1)].max() ?? 0 : 0 }
}

/// `vaedyn ladder`: the paper's network trained on generated hierarchies over b and on the
/// structureless control, each measured with the controlled measures; one results line a
/// rung, resumable (a rung is redone whole when it was cut short).
public struct HierarchyLadder {
    public let settings: LadderSettings
    public let work: URL
    public let results: String

    public init(settings: LadderSettings, work: String, results: String) throws {
        try settings.validate()
        self.settings = settings
        self.work = URL(fileURLWithPath: work)
        self.results = results
    }

    public func run(progress: ExperimentProgress, isCancelled: @escaping () -> Bool) throws {
        let measured = try ResultsFile.read(LadderRecord.self, results)
        if let other = measured.first(where: { $0.settings != settings }) {
            throw ExperimentError("\(results) holds rungs measured with other settings (\(other.rung)); use another --results")
        }
        let pending = settings.rungs.filter { rung in !measured.contains { $0.rung == rung } }
        progress.line("ladder: \(settings.rungs.count) rungs (\(settings.rungs.map(\.description).joined(separator: "; "))); "
            + "\(measured.count) measured already, \(pending.count) to go")
        for rung in pending {
            let record = try measure(rung, progress: progress, isCancelled: isCancelled)
            try reporting("appending to \(results)") { try ResultsFile.append(record, to: results) }
            progress.line(String(format: "%@: test -ELBO %.2f, approach beyond the control for %.0f %% of the inputs, stage II %.0f %%, a group stage %.0f %%",
                                 rung.description, record.testNegativeELBO, record.approachAbove * 100, record.stageTwo * 100, record.groupStage * 100))
        }
        progress.line("ladder complete: \(results); its report: vaedyn ladder --report --results \(results)")
    }

    /// Generates the rung's data, trains its model, puts the generator's tree on it, and measures it.
    public func measure(_ rung: LadderRung, progress: ExperimentProgress, isCancelled: @escaping () -> Bool) throws -> LadderRecord {
        let s = settings
        let folder = work.appendingPathComponent(rung.name)
        let data = folder.appendingPathComponent("data")
        let hierarchy = try Hierarchy(s.spec(rung))
        try? FileManager.default.removeItem(at: data)
        try reporting("writing \(data.path)") { try hierarchy.write(to: data) }
        let hashes = try Checkpoint.hashData(folder: data)
        let dataset = try Dataset.resolve(Dataset.hierarchyID, folder: data.path)

        var options = TrainingOptions()
        options.epochs = s.epochs
        options.seed = s.trainSeed
        let parameters = Parameters(Architecture(inputSize: HierarchySpec.units, hiddenSize: s.hidden, latentSize: s.latent))
        parameters.initialize(seed: s.trainSeed)
        let trainer = Trainer(parameters: parameters, train: hierarchy.train, test: nil, options: options)
        _ = trainer.run(shouldStop: isCancelled) { event in
            if case let .epoch(e, loss, _, seconds) = event {
                progress.line(String(format: "%@: epoch %d/%d  train -ELBO %.2f  (%.1f s)", rung.description, e + 1, s.epochs, loss, seconds))
            }
        }
        if isCancelled() { throw CancellationError() }
        var bundle = TrainedBundle.make(id: "hierarchy-\(rung.name)", dataset: dataset, trainer: trainer, epochs: s.epochs,
                                        train: hierarchy.train, test: hierarchy.test, dataSHA256: hashes)
        try TreeChoice.semantic(path: data.appendingPathComponent(HierarchyDescription.treeFile).path).apply(to: &bundle)
        try reporting("writing the model") { try bundle.write(to: folder.appendingPathComponent("model.vaem")) }

        let started = Date()
        let model = try DynamicsModel(bundle: bundle)
        let evaluator = Evaluator(network: model.network)
        let testImages = Binarizer().binarize(hierarchy.test, seed: Trainer.testBinarisationSeed)
        let testELBO = evaluator.negativeELBO(images: testImages, count: hierarchy.test.count, seed: Trainer.testBinarisationSeed)
        let means = evaluator.encoderMeans(images: testImages.view, count: hierarchy.test.count)
        let inputs = try DynamicsInput.exemplars(of: model, labels: Array(0..<hierarchy.spec.classes), perClass: s.measures.perClass)
        let memory = MemoryBank(model: model, train: hierarchy.train)
        let dynamics = try progress.phase("\(rung.description), Fig 2b: \(inputs.count) inputs", total: inputs.count) {
            try PopulationDynamics(model: model, inputs: inputs, parameters: s.measures.parameters(sweep: false), memory: memory, isCancelled: isCancelled, progress: $0)
        }
        let ratios = try s.measures.ratios()
        let sweep = try progress.phase("\(rung.description), Fig 3: \(inputs.count) inputs x \(ratios.count) ratios", total: inputs.count * ratios.count) {
            try PopulationSweep(model: model, inputs: inputs, ratios: ratios, parameters: s.measures.parameters(sweep: true), isCancelled: isCancelled, progress: $0)
        }
        let n = Float(inputs.count)
        func share(_ predicate: (PopulationDynamics.InputResult) -> Bool) -> Float { Float(dynamics.count(predicate)) / n }
        return LadderRecord(
            rung: rung, settings: s, dataSHA256: hashes, testNegativeELBO: testELBO,
            activeUnits: Evaluator.activeUnits(means: means, latent: s.latent),
            recovery: Self.recovery(model: model, hierarchy: HierarchyDescription(hierarchy)),
            approachAbove: share { $0.firstApproach == .above }, approachBelow: share { $0.firstApproach == .below },
            contrastGain: share { $0.ownContrastGain.isPositive }, departsBeyondControl: share(\.departsBeyondControl),
            movesToMemory: share { $0.movesToMemory == true },
            levels: sweep.levels, stageCounts: sweep.stageCounts, undecidedCounts: sweep.undecidedCounts,
            familywise: sweep.levels.indices.map { Float(sweep.everStageFamilywise($0 + 1)) / n }, monotone: Float(sweep.monotone) / n,
            trainingSeconds: trainer.secondsTraining, measuringSeconds: Date().timeIntervalSince(started))
    }

    /// The cosines of the model's decoded class and group concepts with the true patterns.
    public static func recovery(model: DynamicsModel, hierarchy: HierarchyDescription) -> ConceptRecovery {
        let concepts = model.bundle.description.concepts, vectors = model.bundle.conceptVectors
        let images = model.network.meanImages(of: vectors)
        func signed(_ pattern: [UInt8]) -> [Float] { pattern.map { $0 == 1 ? 1 : -1 } }
        func cosine(_ image: [Float], _ truth: [Float]) -> Float {
            let a = image.map { 2 * $0 - 1 }
            let dot = zip(a, truth).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            let norm = (a.reduce(Float(0)) { $0 + $1 * $1 } * truth.reduce(Float(0)) { $0 + $1 * $1 }).squareRoot()
            return norm > 0 ? dot / norm : 0
        }
        /// The mean over a level's concepts of the cosine with their own pattern, and of the largest with another's.
        func level(_ name: String, patterns: [String: [Float]]) -> (Float, Float) {
            // A concept names its pattern by its label (a class) or its id (a group of the tree file).
            func key(_ k: Int) -> String? { [concepts[k].label, concepts[k].id].first { patterns[$0] != nil } }
            let matched = concepts.indices.filter { concepts[$0].level == name && key($0) != nil }
            guard !matched.isEmpty else { return (0, 0) }
            let own = matched.map { cosine(images[$0], patterns[key($0)!]!) }
            let other = matched.map { k in patterns.filter { $0.key != key(k) }.map { cosine(images[k], $0.value) }.max() ?? 0 }
            return (own.reduce(0, +) / Float(own.count), other.reduce(0, +) / Float(other.count))
        }
        let classes = Dictionary(uniqueKeysWithValues: hierarchy.classNames.enumerated().map { ($0.element, signed(hierarchy.pattern(hierarchy.children[$0.offset]))) })
        let groups = Dictionary(uniqueKeysWithValues: hierarchy.parents.indices.map { (hierarchy.spec.groupName($0), signed(hierarchy.pattern(hierarchy.parents[$0]))) })
        let c = level("class", patterns: classes), g = level("group", patterns: groups)
        return ConceptRecovery(classOwn: c.0, classOther: c.1, groupOwn: g.0, groupOther: g.1)
    }
}
