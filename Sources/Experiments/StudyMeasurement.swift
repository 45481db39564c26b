import Dynamics
import Foundation
import VAE

/// Measures one checkpoint of a study, always the same way: the data it needs is prepared
/// once (binarised with the evaluation seed), every run uses the same inputs and seeds.
public struct StudyMeasurement {
    public let settings: StudySettings
    public let classNames: [String]
    public let ratios: [Float]
    private let test: ImageSet, train: ImageSet
    private let testImages: FloatBuffer
    private let trainImages: FloatBuffer

    public static let evaluationSeed = Trainer.testBinarisationSeed

    public init(settings: StudySettings, classNames: [String], train: ImageSet, test: ImageSet) throws {
        self.settings = settings
        self.classNames = classNames
        ratios = try reporting("--noise-grid") { try NoiseGrid.parse(settings.noiseGrid) }
        self.test = test
        self.train = train
        testImages = Binarizer().binarize(test, seed: Self.evaluationSeed)
        trainImages = Binarizer().binarize(train.subset(Array(0..<min(settings.trainELBOImages, train.count))), seed: Self.evaluationSeed)
    }

    /// The figures of the model file at `url`, a checkpoint of run `run` at `epoch`;
    /// `buildingSeconds`, the time it took to write that file, counts as measuring.
    public func measure(_ url: URL, run: StudyGrid.Run, epoch: Int, buildingSeconds: Double, progress: ExperimentProgress,
                 isCancelled: @escaping () -> Bool) throws -> StudyRecord {
        let started = Date()
        let bundle = try reporting(url.path) { try ModelBundle(contentsOf: url) }
        let model = try reporting(url.path) { try DynamicsModel(bundle: bundle) }
        let evaluator = Evaluator(network: model.network)
        let s = settings, seed = Self.evaluationSeed

        let testELBO = evaluator.negativeELBO(images: testImages, count: test.count, seed: seed)
        let trainELBO = evaluator.negativeELBO(images: trainImages, count: min(s.trainELBOImages, trainImages.count / test.pixelsPerImage), seed: seed)
        let means = evaluator.encoderMeans(images: testImages.view, count: test.count)
        let nllImages = min(s.nllImages, test.count)
        let nll = try progress.phase("IS-NLL, k = \(s.importanceSamples), \(nllImages) test images", total: nllImages) { tick in
            evaluator.negativeLogLikelihood(images: testImages, count: nllImages, samples: s.importanceSamples, seed: seed, progress: tick)
        }
        if isCancelled() { throw ExperimentError("interrupted") }
        let classes = classNames.indices.map { model.classConcept(label: $0)! }
        let geometry = ConceptGeometry(concepts: classes.map { bundle.conceptVectors[$0] }, means: means, labels: test.labels.map(Int.init))

        let inputs = try reporting("inputs") { try DynamicsInput.exemplars(of: model, labels: Array(classNames.indices), perClass: s.perClass) }
        let measures = PopulationMeasures(perClass: s.perClass, noise: s.noise, trials: s.trials, steps: s.steps, sweepTrials: s.sweepTrials,
                                          sweepSteps: s.sweepSteps, grid: s.noiseGrid, seed: s.dynamicsSeed)
        let memory = MemoryBank(model: model, train: train)
        let dynamics = try progress.phase("Fig 2b: \(inputs.count) inputs x \(s.trials) trials x \(s.steps) steps", total: inputs.count) {
            try PopulationDynamics(model: model, inputs: inputs, parameters: measures.parameters(sweep: false), memory: memory,
                                   isCancelled: isCancelled, progress: $0)
        }
        let sweep = try progress.phase("Fig 3: \(inputs.count) inputs x \(ratios.count) ratios", total: inputs.count * ratios.count) {
            try PopulationSweep(model: model, inputs: inputs, ratios: ratios, parameters: measures.parameters(sweep: true),
                                isCancelled: isCancelled, progress: $0)
        }

        let n = Float(inputs.count)
        let resting = try RestingMix(model: model, chains: Self.restingChains, steps: s.steps, seed: s.dynamicsSeed, isCancelled: isCancelled)
        let controlled = Self.controlled(dynamics: dynamics, sweep: sweep, resting: resting, labels: inputs.map { $0.label! }, trials: s.trials,
                                         cleanMemoryDistance: memory.nearestDistance(of: CleanGeometry(model: model, inputs: inputs).codes).mean)
        var ownShare: [String: Float] = [:]
        for t in PopulationDynamics.shareSteps + [s.steps] where t <= s.steps { ownShare[String(t)] = dynamics.mean { $0.ownShare[t] ?? 0 } }
        // The records' shares come in the tree's order of class concepts; the results keep the class names' order.
        let finalShares = classes.map { dynamics.finalShares[model.classConcepts.firstIndex(of: $0)!] }
        let six = inputs.firstIndex { $0.label == 6 && $0.info.classIndex == 0 }!
        return StudyRecord(
            latent: run.latent, seed: run.seed, epoch: epoch, settings: s,
            testNegativeELBO: testELBO, trainNegativeELBO: trainELBO, elboGap: testELBO - trainELBO, importanceSampledNLL: nll,
            activeUnits: Evaluator.activeUnits(means: means, latent: bundle.architecture.latentSize),
            conceptDistance: geometry.betweenConcepts, withinClassSpread: geometry.withinClass, conceptSeparation: geometry.separation,
            ownShare: ownShare, passesByShare: Float(dynamics.count(\.passesBy)) / n,
            finalClassShares: finalShares,
            attractors: finalShares.indices.sorted { finalShares[$0] > finalShares[$1] }.prefix(3).map { classNames[$0] },
            meanOwnDistance: dynamics.meanOwnDistance,
            noiseRatios: ratios, stageCounts: sweep.stageCounts, undecidedCounts: sweep.undecidedCounts,
            meanStage: ratios.indices.map { let m = sweep.meanStage(at: $0); return m.isNaN ? nil : m },
            meanStageRises: sweep.meanStageFalls.isEmpty,
            stageTwoShare: Float(sweep.everStageTwo) / n, monotoneShare: Float(sweep.monotone) / n,
            sixStages: sweep.stages[six], sixReachesStageTwo: sweep.stages[six].contains(2), sixOwnShare: dynamics.inputs[six].ownShare[s.steps] ?? 0, controlled: controlled,
            trainingSeconds: bundle.description.training?.seconds ?? 0, measuringSeconds: buildingSeconds + Date().timeIntervalSince(started))
    }

    /// Chains of the resting mix: 1000, as `vaedyn reproduce` runs it.
    public static let restingChains = 1000

    /// The checkpoint's claims against their controls, from its Fig 2b and Fig 3 runs.
    static func controlled(dynamics d: PopulationDynamics, sweep: PopulationSweep, resting: RestingMix, labels: [Int], trials: Int,
                           cleanMemoryDistance: Float) -> StudyControlled {
        let n = Float(d.inputs.count), last = d.steps
        func share(_ predicate: (PopulationDynamics.InputResult) -> Bool) -> Float { Float(d.count(predicate)) / n }
        let escapes = d.inputs.map { $0.escape?.median ?? last + 1 }.sorted()
        let at = [0, min(1, last), last]
        return StudyControlled(
            approachAbove: share { $0.firstApproach == .above }, approachBelow: share { $0.firstApproach == .below },
            contrastGain: share { $0.ownContrastGain.isPositive }, departsBeyondControl: share(\.departsBeyondControl),
            stageTwoFamilywise: Float(sweep.everStageTwoFamilywise) / n,
            ancestralShares: resting.ancestral, restingShares: resting.resting,
            keepsBeyondResting: Float(d.inputs.indices.filter { resting.keeps(ownShare: d.inputs[$0].ownShare[last] ?? 0, label: labels[$0], trials: trials) }.count) / n,
            medianEscape: escapes[escapes.count / 2], keepsToEnd: share { ($0.escape?.median ?? last + 1) > last },
            norm: at.map { t in d.mean { $0.norm[t] } }, memoryDistance: at.map { t in d.mean { $0.memoryDistance?[t]?.mean ?? .nan } },
            cleanMemoryDistance: cleanMemoryDistance, movesToMemory: share { $0.movesToMemory == true })
    }
}
