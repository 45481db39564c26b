import ArgumentParser
import Dynamics
import Foundation
import VAE

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run Fig 2b and Fig 3 over the model's exemplars under both x modes and write a report into docs/reproduction/.",
        discussion: "Inputs are the test images stored in the model file, so no data is needed. Takes minutes; progress on stderr.")

    @Option(help: "Model file (.vaem).") var model = "models/mnist-default.vaem"
    @Option(help: "Output Markdown file (default: docs/reproduction/MODEL-ID.md, with -TREE-SOURCE when --tree is given).") var out: String?
    @Option(name: .customLong("per-class"), help: "Inputs per class (the model's exemplars, the first test images of each class).") var perClass = 10
    @Option(help: "Seed of every run.") var seed: UInt64 = 1
    @Option(help: "Noise ratio of the Fig 2b runs (replace noise).") var noise: Float = 0.2
    @Option(help: "Trials of each Fig 2b run.") var trials = 100
    @Option(help: "Steps of each Fig 2b run.") var steps = 50
    @Option(name: .customLong("sweep-trials"), help: "Trials of each Fig 3 point.") var sweepTrials = 30
    @Option(name: .customLong("sweep-steps"), help: "Steps of each Fig 3 point (the minimum is over 0...steps).") var sweepSteps = 30
    @Option(name: .customLong("early-window"), help: "Last step of the early-window variant of Fig 3.") var earlyWindow = 10
    @Option(help: "Noise ratios of Fig 3, FROM:TO:STEP.") var grid = "0:1:0.1"
    @Option(help: "Concept tree to run on, built in memory: \(TreeChoice.syntax) (default: the model file's own).") var tree: String?

    func run() throws {
        var bundle = try reporting(model) { try ModelBundle(contentsOf: URL(fileURLWithPath: model)) }
        if let tree { try TreeChoice(parsing: tree).apply(to: &bundle) }
        let dynamicsModel = try reporting(model) { try DynamicsModel(bundle: bundle) }
        let classes = Array(0..<bundle.description.classNames.count)
        let inputs = try reporting("inputs") { try DynamicsInput.exemplars(of: dynamicsModel, labels: classes, perClass: perClass) }
        let ratios = try reporting("--grid") { try NoiseGrid.parse(grid) }
        guard earlyWindow >= 1, earlyWindow < sweepSteps else { throw ValidationError("--early-window must be in 1..<--sweep-steps") }
        let progress = Progress()
        let cancelled = { Interrupt.shared.isRequested }
        let started = Date()

        func parameters(_ image: DynamicsParameters.Draw, steps: Int, trials: Int) throws -> DynamicsParameters {
            var p = DynamicsParameters()
            p.seed = seed
            p.steps = steps
            p.trials = trials
            p.image = image
            p.noise = try NoiseModel(kind: .replace, ratio: noise)
            return p
        }
        var report = ReproductionReport(model: bundle, labels: inputs.map { $0.label! }, perClass: perClass, seed: seed, noise: noise, trials: trials, steps: steps,
                                        sweepTrials: sweepTrials, sweepSteps: sweepSteps, earlyWindow: earlyWindow, grid: grid, ratios: ratios, tree: tree)
        report.ancestorStages = inputs.map { input in
            StageLadder(model: dynamicsModel, references: ReferenceSet(model: dynamicsModel, input: input), label: input.label)!.rungLevels.map { $0 + 1 }
        }
        for image in DynamicsParameters.Draw.allCases {
            report.dynamics[image] = try progress.phase("Fig 2b, x \(image): \(inputs.count) inputs x \(trials) trials x \(steps) steps", total: inputs.count) {
                try PopulationDynamics(model: dynamicsModel, inputs: inputs, parameters: parameters(image, steps: steps, trials: trials),
                                       isCancelled: cancelled, progress: $0)
            }
            report.sweeps[image] = try progress.phase("Fig 3, x \(image): \(inputs.count) inputs x \(ratios.count) ratios", total: inputs.count * ratios.count) {
                try PopulationSweep(model: dynamicsModel, inputs: inputs, ratios: ratios,
                                    parameters: parameters(image, steps: sweepSteps, trials: sweepTrials), isCancelled: cancelled, progress: $0)
            }
            report.earlySweeps[image] = try progress.phase("Fig 3 over steps 0...\(earlyWindow), x \(image)", total: inputs.count * ratios.count) {
                try PopulationSweep(model: dynamicsModel, inputs: inputs, ratios: ratios,
                                    parameters: parameters(image, steps: earlyWindow, trials: sweepTrials), isCancelled: cancelled, progress: $0)
            }
        }
        var averaged = try parameters(.sample, steps: sweepSteps, trials: sweepTrials)
        averaged.aggregation = .state
        report.averagedSweep = try progress.phase("Fig 3 on the trial-averaged state, x sample", total: inputs.count * ratios.count) {
            try PopulationSweep(model: dynamicsModel, inputs: inputs, ratios: ratios, parameters: averaged, isCancelled: cancelled, progress: $0)
        }
        var sampled = try parameters(.sample, steps: steps, trials: trials)
        sampled.measure = .sample
        report.sampledLatent = try progress.phase("Fig 2b measured on sampled z", total: inputs.count) {
            try PopulationDynamics(model: dynamicsModel, inputs: inputs, parameters: sampled, isCancelled: cancelled, progress: $0)
        }
        report.posterior = PosteriorSpread(model: dynamicsModel, inputs: inputs)
        report.geometry = CleanGeometry(model: dynamicsModel, inputs: inputs)
        report.seconds = Date().timeIntervalSince(started)
        // One report per model and tree, so that reruns of each land where its command says.
        let out = out ?? "docs/reproduction/\(bundle.description.id)\(tree.map { "-" + $0.prefix { $0 != ":" } } ?? "").md"
        try reporting("writing \(out)") { try Data(report.markdown().utf8).write(to: URL(fileURLWithPath: out)) }
        progress.line(String(format: "wrote %@ in %.0f s", out, report.seconds))
    }
}
