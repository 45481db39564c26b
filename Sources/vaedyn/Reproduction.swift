import Dynamics
import Foundation
import VAE

/// `vaedyn reproduce`'s settings: everything its report depends on, and what a shard
/// file's header carries so that `vaedyn merge` can rebuild the run.
struct ReproductionSettings: Codable, Equatable {
    var model: String
    var perClass: Int
    var seed: UInt64
    var noise: Float
    var trials: Int, steps: Int
    var sweepTrials: Int, sweepSteps: Int, earlyWindow: Int
    var grid: String
    var tree: String?
}

/// What the chains give for one input: its Fig 2b reductions under both x modes and on
/// sampled z, and its stages along the grid in the four Fig 3 variants. The unit a shard
/// computes; the report is built from these alone, whether one process made them all.
struct InputReproduction: Codable {
    var dynamics: [String: PopulationDynamics.InputResult]
    var stages: [String: [Int?]]

    static let sampledLatent = "sampled-latent", averaged = "averaged"
    static func sweep(_ image: DynamicsParameters.Draw) -> String { "sweep-\(image)" }
    static func early(_ image: DynamicsParameters.Draw) -> String { "early-\(image)" }
}

/// The reproduction's model, inputs and chains: the runs of any range of inputs, and the
/// report over all of them.
struct Reproduction {
    let settings: ReproductionSettings
    let bundle: ModelBundle
    let modelSHA256: String
    let model: DynamicsModel
    let inputs: [DynamicsInput]
    let ratios: [Float]

    init(_ settings: ReproductionSettings) throws {
        self.settings = settings
        let file = try ModelFile(settings.model)
        var bundle = file.bundle
        if let tree = settings.tree { try TreeChoice(parsing: tree).apply(to: &bundle) }
        self.bundle = bundle
        modelSHA256 = file.sha256
        model = try reporting(settings.model) { try DynamicsModel(bundle: bundle) }
        let classes = Array(0..<bundle.description.classNames.count)
        let model = model
        inputs = try reporting("inputs") { try DynamicsInput.exemplars(of: model, labels: classes, perClass: settings.perClass) }
        ratios = try reporting("--grid") { try NoiseGrid.parse(settings.grid) }
        guard settings.earlyWindow >= 1, settings.earlyWindow < settings.sweepSteps else { throw CLIError("--early-window must be in 1..<--sweep-steps") }
    }

    /// docs/reproduction/MODEL-ID.md, with -TREE-SOURCE when a tree is given.
    var defaultReport: String {
        "docs/reproduction/\(bundle.description.id)\(settings.tree.map { "-" + $0.prefix { $0 != ":" } } ?? "").md"
    }

    private func parameters(_ image: DynamicsParameters.Draw, steps: Int, trials: Int) throws -> DynamicsParameters {
        var p = DynamicsParameters()
        p.seed = settings.seed
        p.steps = steps
        p.trials = trials
        p.image = image
        p.noise = try NoiseModel(kind: .replace, ratio: settings.noise)
        return p
    }

    /// The chains of the inputs in `units`: every phase over those inputs in turn.
    func run(_ units: Range<Int>, progress: Progress) throws -> [InputReproduction] {
        let s = settings, inputs = Array(inputs[units]), n = inputs.count
        let cancelled = { Interrupt.shared.isRequested }
        var results = [InputReproduction](repeating: InputReproduction(dynamics: [:], stages: [:]), count: n)
        func dynamics(_ key: String, _ p: DynamicsParameters, _ title: String) throws {
            let population = try progress.phase("\(title): \(n) inputs x \(p.trials) trials x \(p.steps) steps", total: n) {
                try PopulationDynamics(model: model, inputs: inputs, parameters: p, isCancelled: cancelled, progress: $0)
            }
            for (k, r) in population.inputs.enumerated() { results[k].dynamics[key] = r }
        }
        func sweep(_ key: String, _ p: DynamicsParameters, _ title: String) throws {
            let population = try progress.phase("\(title): \(n) inputs x \(ratios.count) ratios", total: n * ratios.count) {
                try PopulationSweep(model: model, inputs: inputs, ratios: ratios, parameters: p, isCancelled: cancelled, progress: $0)
            }
            for (k, row) in population.stages.enumerated() { results[k].stages[key] = row }
        }
        for image in DynamicsParameters.Draw.allCases {
            try dynamics(image.rawValue, parameters(image, steps: s.steps, trials: s.trials), "Fig 2b, x \(image)")
            try sweep(InputReproduction.sweep(image), parameters(image, steps: s.sweepSteps, trials: s.sweepTrials), "Fig 3, x \(image)")
            try sweep(InputReproduction.early(image), parameters(image, steps: s.earlyWindow, trials: s.sweepTrials),
                      "Fig 3 over steps 0...\(s.earlyWindow), x \(image)")
        }
        var averaged = try parameters(.sample, steps: s.sweepSteps, trials: s.sweepTrials)
        averaged.aggregation = .state
        try sweep(InputReproduction.averaged, averaged, "Fig 3 on the trial-averaged state, x sample")
        var sampled = try parameters(.sample, steps: s.steps, trials: s.trials)
        sampled.measure = .sample
        try dynamics(InputReproduction.sampledLatent, sampled, "Fig 2b measured on sampled z")
        return results
    }

    /// The report over every input's results, in input order.
    func report(_ results: [InputReproduction]) throws -> ReproductionReport {
        guard results.count == inputs.count else { throw CLIError("\(results.count) inputs' results for a run of \(inputs.count) inputs") }
        let s = settings
        func dynamics(_ key: String, steps: Int) throws -> PopulationDynamics {
            PopulationDynamics(inputs: try results.map { try $0.dynamics[key].orThrow("an input has no results for \(key)") }, steps: steps)
        }
        func sweep(_ key: String) throws -> PopulationSweep {
            PopulationSweep(ratios: ratios, levels: model.levels, stages: try results.map { try $0.stages[key].orThrow("an input has no stages for \(key)") })
        }
        var report = ReproductionReport(model: bundle, labels: inputs.map { $0.label! }, perClass: s.perClass, seed: s.seed, noise: s.noise,
                                        trials: s.trials, steps: s.steps, sweepTrials: s.sweepTrials, sweepSteps: s.sweepSteps,
                                        earlyWindow: s.earlyWindow, grid: s.grid, ratios: ratios, tree: s.tree)
        report.ancestorStages = inputs.map { input in
            StageLadder(model: model, references: ReferenceSet(model: model, input: input), label: input.label)!.rungLevels.map { $0 + 1 }
        }
        for image in DynamicsParameters.Draw.allCases {
            report.dynamics[image] = try dynamics(image.rawValue, steps: s.steps)
            report.sweeps[image] = try sweep(InputReproduction.sweep(image))
            report.earlySweeps[image] = try sweep(InputReproduction.early(image))
        }
        report.averagedSweep = try sweep(InputReproduction.averaged)
        report.sampledLatent = try dynamics(InputReproduction.sampledLatent, steps: s.steps)
        report.posterior = PosteriorSpread(model: model, inputs: inputs)
        report.geometry = CleanGeometry(model: model, inputs: inputs)
        return report
    }
}

extension Optional {
    func orThrow(_ why: @autoclosure () -> String) throws -> Wrapped {
        guard let value = self else { throw CLIError(why()) }
        return value
    }
}
