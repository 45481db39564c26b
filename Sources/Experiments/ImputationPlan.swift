import Dynamics
import Foundation

/// Everything one `vaedyn impute` runs, cut into units a shard can take: one unit per
/// batch of images of each (mask, kernel) curve, then one per stage input (all its fractions).
/// A single run goes through the same units, so a merged run adds the same numbers in the
/// same order and writes the same records.
public struct ImputationPlan: ShardedRun {
    public static let command = "impute"
    public enum Unit: Equatable {
        case curve(Int, batch: Int)
        case stage(input: Int)

        /// The curve a batch belongs to; nil for a stage input.
        public var curve: Int? { if case .curve(let c, _) = self { c } else { nil } }
    }

    /// What a unit adds: a batch's tallies at every t, or an input's stage at every fraction.
    /// In a shard file, {"tallies": [...]} or {"stages": [...]}.
    public enum Result: Codable {
        case tallies([ImputationTally])
        case stages([Int?])

        private enum CodingKeys: String, CodingKey { case tallies, stages }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let tallies = try c.decodeIfPresent([ImputationTally].self, forKey: .tallies) {
                self = .tallies(tallies)
            } else {
                self = .stages(try c.decode([Int?].self, forKey: .stages))
            }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .tallies(let t): try c.encode(t, forKey: .tallies)
            case .stages(let s): try c.encode(s, forKey: .stages)
            }
        }

        var tallies: [ImputationTally] { if case .tallies(let t) = self { t } else { [] } }
        var stages: [Int?] { if case .stages(let s) = self { s } else { [] } }
    }

    public let model: DynamicsModel
    /// What every line of the results file shares.
    public let lineSettings: ImputationSettings
    public let settings: ImputationRunSettings
    public let inputSHA256: String
    public let curves: [ImputationExperiment]
    public let pictures: [[UInt8]]
    public let population: [DynamicsInput]
    public let fractions: [Float]
    private let stageParameters: DynamicsParameters
    public let units: [Unit]

    init(run: ImputationRunSettings, modelSHA256: String, model: DynamicsModel, settings: ImputationSettings, curves: [ImputationExperiment], pictures: [[UInt8]], population: [DynamicsInput],
         fractions: [Float], stageKernel: DynamicsParameters.Kernel) throws {
        self.model = model
        self.settings = run
        inputSHA256 = modelSHA256
        lineSettings = settings
        self.curves = curves
        self.pictures = pictures
        self.population = population
        self.fractions = fractions
        var p = DynamicsParameters()
        p.kernel = stageKernel
        p.trials = settings.stageTrials
        p.steps = settings.stageSteps
        p.seed = settings.seed
        p.noise = try NoiseModel(kind: .replace, ratio: 0)
        stageParameters = p
        units = curves.indices.flatMap { c in (0..<curves[c].batchCount(images: pictures.count)).map { Unit.curve(c, batch: $0) } }
            + population.indices.map { Unit.stage(input: $0) }
    }

    /// The run `settings` describe, whole: every curve's experiment, the images and the stage inputs.
    public init(settings run: ImputationRunSettings) throws {
        let source = InputSource(model: run.model, data: run.data, choice: .population(labels: nil, count: run.shared.perClass))
        let (model, sha256) = try source.loadModel()
        let masks = try run.masks.map { text in
            try reporting("--masks") { try ImputationMask(.named(text), pixels: model.architecture.inputSize) }
        }
        let s = run.shared
        let curves = try masks.flatMap { mask in
            try run.kernels.map { try ImputationExperiment(model: model, mask: mask, kernel: $0, trials: s.trials, steps: s.steps, seed: s.seed) }
        }
        let test = try source.testSet()
        let d = model.architecture.inputSize
        let pictures = (0..<min(s.images, test.count)).map { Array(test.pixels[($0 * d)..<(($0 + 1) * d)]) }
        let fractions = try reporting("--fractions") { try NoiseGrid.parse(run.fractions).filter { $0 > 0 } }
        try self.init(run: run, modelSHA256: sha256, model: model, settings: s, curves: curves, pictures: pictures,
                      population: try source.inputs(for: model), fractions: fractions, stageKernel: run.stageKernel)
    }

    public var inputName: String { settings.model }
    public var unitCount: Int { units.count }

    public func merged(_ results: [Result], timings: [Double]?) throws -> MergedOutput {
        let lines = records(results, seconds: timings ?? [Double](repeating: 0, count: results.count))
        return .file(defaultPath: settings.results, contents: try ResultsFile.data(lines), replaces: false, summary: "\(results.count) units")
    }

    public var stageKernel: DynamicsParameters.Kernel { stageParameters.kernel }

    public func units(ofCurve c: Int) -> [Int] { units.indices.filter { units[$0].curve == c } }
    public var stageUnits: [Int] { units.indices.filter { units[$0].curve == nil } }

    /// Chain-steps of each unit, for a shard cut that gives the shards equal work.
    public var weights: [Int] {
        units.map { unit in
            switch unit {
            case let .curve(c, batch): curves[c].batchRange(batch, images: pictures.count).count * curves[c].trials * (curves[c].steps + 1)
            case .stage: fractions.count * stageParameters.trials * (stageParameters.steps + 1)
            }
        }
    }

    /// Runs the units at `indices` in order: their results and seconds; `done(k)` after the k-th.
    public func run(_ indices: some Collection<Int>, isCancelled: () -> Bool, done: (Int) -> Void) throws -> (results: [Result], seconds: [Double]) {
        var results: [Result] = [], seconds: [Double] = []
        for u in indices {
            let t0 = Date()
            results.append(try run(units[u], isCancelled: isCancelled))
            seconds.append(Date().timeIntervalSince(t0))
            done(results.count)
        }
        return (results, seconds)
    }

    private func run(_ unit: Unit, isCancelled: () -> Bool) throws -> Result {
        guard !isCancelled() else { throw CancellationError() }
        switch unit {
        case let .curve(c, batch):
            let range = curves[c].batchRange(batch, images: pictures.count)
            return .tallies(try curves[c].tallies(ofBatch: Array(pictures[range]), first: range.lowerBound))
        case let .stage(input):
            var p = stageParameters, stages: [Int?] = []
            for fraction in fractions {
                guard !isCancelled() else { throw CancellationError() }
                p.mask = .named("random:\(fraction):\(lineSettings.seed)")
                let last = try DynamicsRun(model: model, input: population[input], parameters: p).run { _ in }
                guard case .summary(let s) = last else { throw ExperimentError("the stage run of input \(input) failed: \(last)") }
                stages.append(s.stageDecided == true ? s.stage : nil)
            }
            return .stages(stages)
        }
    }

    /// The results file's line of curve `c` from its units' results, in order.
    public func curveRecord(_ c: Int, _ results: [Result], seconds: Double) -> ImputationRecord {
        let curve = curves[c]
        return ImputationRecord(model: model.id, kernel: curve.kernel.rawValue, settings: lineSettings, seconds: seconds,
                                measure: .curve(ImputationCurve(mask: curve.mask.description, hiddenPixels: curve.mask.hiddenCount,
                                                                scores: ImputationExperiment.scores(results.map(\.tallies), images: pictures.count))))
    }

    /// The Fig 3 analogue's line: each input's stage (its minimum distances over the run)
    /// under a random mask hiding each fraction, no noise.
    public func stageRecord(_ results: [Result], seconds: Double) -> ImputationRecord {
        let stages = results.map(\.stages)
        let sweep = PopulationSweep(ratios: fractions, levels: model.levels, stages: stages)
        return ImputationRecord(model: model.id, kernel: stageKernel.rawValue, settings: lineSettings, seconds: seconds,
                                measure: .stages(ImputationStages(fractions: fractions, levels: sweep.levels, stageCounts: sweep.stageCounts, stages: stages)))
    }

    /// Every line of the results file, from the results (and seconds) of all units.
    public func records(_ results: [Result], seconds: [Double]) -> [ImputationRecord] {
        curves.indices.map { c in
            let u = units(ofCurve: c)
            return curveRecord(c, u.map { results[$0] }, seconds: u.map { seconds[$0] }.reduce(0, +))
        } + [stageRecord(stageUnits.map { results[$0] }, seconds: stageUnits.map { seconds[$0] }.reduce(0, +))]
    }
}
