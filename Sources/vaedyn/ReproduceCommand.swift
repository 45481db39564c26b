import Experiments
import ArgumentParser
import Dynamics
import Foundation
import VAE

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run Fig 2b and Fig 3 over the model's exemplars under both x modes and write a report into docs/reproduction/.",
        discussion: """
            Inputs are the test images stored in the model file, so no data is needed but for --memories. Takes minutes; progress on stderr. \
            Sharded (--shard I/N, or inside a Slurm, Kubernetes Indexed, AWS Batch or Google Batch array job), it runs its part \
            of the inputs and writes SHARD-DIR/reproduce-shard-I-of-N.jsonl instead of the report; `vaedyn merge` writes the \
            report from the N files, the same bytes as one unsharded run (docs/scaling.md).
            """)

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
    @Option(help: "Folder with the training IDX files of the model's dataset: the Fig 2b runs then measure the distance to the nearest training memory (\"then moves close to a memory\"; a few seconds to encode them).")
    var memories: String?
    @OptionGroup var sharding: ShardOptions

    func run() throws {
        let settings = ReproductionSettings(model: model, perClass: perClass, seed: seed, noise: noise, trials: trials, steps: steps,
                                            sweepTrials: sweepTrials, sweepSteps: sweepSteps, earlyWindow: earlyWindow, grid: grid, tree: tree,
                                            memories: memories)
        let reproduction = try Reproduction(settings: settings)
        let progress = Progress()
        let started = Date()
        if let shard = try sharding.selected() {
            let units = shard.units(of: reproduction.inputs.count)
            progress.line("shard \(shard): inputs \(units.lowerBound)..<\(units.upperBound) of \(reproduction.inputs.count)")
            let results = try reproduction.run(units, progress: progress, isCancelled: { Interrupt.shared.isRequested })
            let url = try reproduction.writeShard(shard, units: units, results: results, into: URL(fileURLWithPath: sharding.shardDir))
            progress.line(String(format: "wrote %@ in %.0f s", url.path, Date().timeIntervalSince(started)))
            return
        }
        let report = try reproduction.report(try reproduction.run(0..<reproduction.inputs.count, progress: progress, isCancelled: { Interrupt.shared.isRequested }))
        let out = out ?? reproduction.defaultReport
        try reporting("writing \(out)") { try Data(report.markdown().utf8).write(to: URL(fileURLWithPath: out)) }
        progress.line(String(format: "wrote %@ in %.0f s", out, Date().timeIntervalSince(started)))
    }
}
