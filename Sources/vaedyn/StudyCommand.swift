import Experiments
import ArgumentParser
import Foundation
import VAE

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Train and measure a grid of MNIST models over latent size and training length; write its report, or export its chosen model.",
        discussion: """
            One run per (latent size, seed) on the cosine schedule of the last checkpoint epoch, measured as it passes each \
            checkpoint epoch; one JSON line per checkpoint is appended to --results. Resumable: rerun the same command after \
            Ctrl-C or a kill and it skips the measured checkpoints and resumes each run from its last training checkpoint \
            in --work (git-ignored; never commit it). --report writes the Markdown report from --results alone; \
            --export writes the model the report chooses. Sharded (--shard I/N, or inside an array job; docs/scaling.md), \
            it trains and measures its part of the runs, keeps its measured checkpoints in WORK/results-shard-I-of-N.jsonl \
            (resumable the same way) and, when they are all measured, writes SHARD-DIR/study-shard-I-of-N.jsonl; \
            `vaedyn merge` writes --results from the N files.
            """)

    @Option(help: "Folder with the MNIST IDX files.") var data = "data/mnist"
    @Option(help: "Work folder: each run's training checkpoint and the model file of every checkpoint epoch.") var work = ".build-study"
    @Option(help: "Results file (JSON Lines, one line per checkpoint).") var results = "docs/study/results.jsonl"
    @Option(help: "Latent sizes, trained with seed 1.") var latent = StudyGrid.standardLatent.map(String.init).joined(separator: ",")
    @Option(help: "Checkpoint epochs; the last is the length of every run's learning-rate schedule.") var checkpoints = "1,3,10,30,100"
    @Option(name: .customLong("extra-seeds"), help: "More seeds for the latent sizes of --extra-latent (\"\" for none).") var extraSeeds = StudyGrid.standardExtraSeeds.map(String.init).joined(separator: ",")
    @Option(name: .customLong("extra-latent"), help: "Latent sizes trained with the seeds of --extra-seeds too.") var extraLatent = StudyGrid.standardExtraLatent.map(String.init).joined(separator: ",")
    @Option(help: "Train on the first N training images only (small trials).") var limit: Int?
    @Option(name: .customLong("train-elbo-images"), help: "The train negative ELBO is measured on the first N training images.") var trainELBOImages = 10_000
    @Option(name: .customLong("nll-images"), help: "The IS-NLL is measured on the first N test images.") var nllImages = 1000
    @Option(help: "Importance samples per image of the IS-NLL.") var samples = 100
    @Option(name: .customLong("per-class"), help: "Dynamics inputs per class: the first N test images of each class.") var perClass = 10
    @Option(help: "Noise ratio of the Fig 2b runs (replace noise).") var noise: Float = 0.2
    @Option(help: "Trials of each Fig 2b run.") var trials = 100
    @Option(help: "Steps of each Fig 2b run.") var steps = 50
    @Option(name: .customLong("sweep-trials"), help: "Trials of each Fig 3 point.") var sweepTrials = 30
    @Option(name: .customLong("sweep-steps"), help: "Steps of each Fig 3 point (the minimum is over 0...steps).") var sweepSteps = 30
    @Option(name: .customLong("noise-grid"), help: "Noise ratios of Fig 3, FROM:TO:STEP.") var noiseGrid = "0:1:0.1"
    @Option(help: "Seed of every dynamics and sweep run.") var seed: UInt64 = 1
    @Flag(help: "Write the report (--out) from --results instead of running the study.") var report = false
    @Option(help: "The report's Markdown file.") var out = "docs/study.md"
    @Option(help: "Write the checkpoint the report chooses as this model file, instead of running the study.") var export: String?
    @Flag(name: .customLong("train-only"), help: "Only train: write every checkpoint's model file into --work and measure nothing (a later run without it measures them).")
    var trainOnly = false
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard [report, export != nil, trainOnly].filter({ $0 }).count <= 1 else { throw ValidationError("--report, --export and --train-only are separate runs") }
        if let limit, limit < TrainingOptions().batchSize { throw ValidationError("--limit must be at least one batch (\(TrainingOptions().batchSize))") }
        guard trainELBOImages > 0, nllImages > 0, samples > 0, perClass > 0, trials > 0, steps > 0, sweepTrials > 0, sweepSteps > 0 else {
            throw ValidationError("image counts, samples, inputs, trials and steps must be positive")
        }
    }

    func run() throws {
        if report { return try writeReport() }
        if let export { return try exportChosen(to: export) }
        let study = try Study(settings: runSettings())
        let interrupt = Interrupt.shared
        if trainOnly { return try study.trainOnly(shard: try sharding.selected(), progress: Progress(), isCancelled: { interrupt.isRequested }) }
        try study.run(shard: try sharding.selected(), shardDirectory: URL(fileURLWithPath: sharding.shardDir), progress: Progress(),
                      isCancelled: { interrupt.isRequested })
    }

    /// The study these options describe.
    func runSettings() throws -> StudyRunSettings {
        StudyRunSettings(data: data, work: work, results: results, latent: try StudyGrid.list(latent, "--latent"),
                         extraSeeds: extraSeeds.isEmpty ? [] : try StudyGrid.list(extraSeeds, "--extra-seeds"),
                         extraLatent: try StudyGrid.list(extraLatent, "--extra-latent"), checkpoints: try StudyGrid.list(checkpoints, "--checkpoints"),
                         limit: limit, trainELBOImages: trainELBOImages, nllImages: nllImages, samples: samples, perClass: perClass, noise: noise,
                         trials: trials, steps: steps, sweepTrials: sweepTrials, sweepSteps: sweepSteps, noiseGrid: noiseGrid, seed: seed)
    }

    func writeReport() throws {
        let records = try ResultsFile.read(StudyRecord.self, results)
        guard !records.isEmpty else { throw CLIError("\(results) holds no checkpoints") }
        let text = try StudyReport(records: records, results: results).markdown()
        try reporting("writing \(out)") { try Data(text.utf8).write(to: URL(fileURLWithPath: out)) }
        Progress().line("wrote \(out) from \(records.count) checkpoints")
    }

    func exportChosen(to path: String) throws {
        let records = try ResultsFile.read(StudyRecord.self, results)
        guard !records.isEmpty else { throw CLIError("\(results) holds no checkpoints") }
        guard let selection = StudySelection(records) else {
            throw CLIError("\(results) holds no checkpoint with the paper's \(StudySelection.latent) latent units measured with the controls: nothing to choose")
        }
        let c = selection.chosen
        let source = URL(fileURLWithPath: work).appendingPathComponent(StudyGrid.Run(latent: c.latent, seed: c.seed).folder)
            .appendingPathComponent("epoch-\(c.epoch).vaem")
        var bundle = try reporting("\(source.path) (the chosen checkpoint's model file, kept in --work)") { try ModelBundle(contentsOf: source) }
        let url = URL(fileURLWithPath: path)
        bundle.description.id = url.deletingPathExtension().lastPathComponent
        try reporting("writing \(path)") { try bundle.write(to: url) }
        print("chosen by the rule (\(StudySelection.rule)): Z = \(c.latent), seed \(c.seed), epoch \(c.epoch) "
            + String(format: "(test -ELBO %.2f, best %.2f; approach beyond the control for %.0f %% of the inputs)", c.testNegativeELBO,
                     selection.best.testNegativeELBO, c.controlled!.approachAbove * 100))
        print("wrote \(path); measure it with: vaedyn eval \(path) --save")
    }
}
