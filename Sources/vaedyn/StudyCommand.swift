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
    @Option(help: "Latent sizes, trained with seed 1.") var latent = "5,10,20,50,100,200"
    @Option(help: "Checkpoint epochs; the last is the length of every run's learning-rate schedule.") var checkpoints = "1,3,10,30,100"
    @Option(name: .customLong("extra-seeds"), help: "More seeds for the latent sizes of --extra-latent (\"\" for none).") var extraSeeds = "2,3"
    @Option(name: .customLong("extra-latent"), help: "Latent sizes trained with the seeds of --extra-seeds too.") var extraLatent = "20,100"
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
    @OptionGroup var sharding: ShardOptions

    static let hidden = 1024

    func validate() throws {
        guard !(report && export != nil) else { throw ValidationError("--report and --export are separate runs") }
        if let limit, limit < TrainingOptions().batchSize { throw ValidationError("--limit must be at least one batch (\(TrainingOptions().batchSize))") }
        guard trainELBOImages > 0, nllImages > 0, samples > 0, perClass > 0, trials > 0, steps > 0, sweepTrials > 0, sweepSteps > 0 else {
            throw ValidationError("image counts, samples, inputs, trials and steps must be positive")
        }
    }

    func run() throws {
        if report { return try writeReport() }
        if let export { return try exportChosen(to: export) }
        try runStudy(shard: try sharding.selected())
    }

    var grid: StudyGrid {
        get throws {
            let epochs: [Int] = try StudyGrid.list(checkpoints, "--checkpoints")
            guard epochs == epochs.sorted(), Set(epochs).count == epochs.count else { throw CLIError("--checkpoints must be increasing") }
            return StudyGrid(latent: try StudyGrid.list(latent, "--latent"), extraSeeds: extraSeeds.isEmpty ? [] : try StudyGrid.list(extraSeeds, "--extra-seeds"),
                             extraLatent: try StudyGrid.list(extraLatent, "--extra-latent"), checkpoints: epochs)
        }
    }

    func settings(trainImages: Int, grid: StudyGrid) -> StudySettings {
        let o = TrainingOptions()
        return StudySettings(epochs: grid.checkpoints.last!, hidden: Self.hidden, batchSize: o.batchSize, learningRate: o.learningRate,
                             finalLearningRate: o.finalLearningRate, trainImages: trainImages, trainELBOImages: trainELBOImages, nllImages: nllImages,
                             importanceSamples: samples, perClass: perClass, noise: noise, trials: trials, steps: steps, sweepTrials: sweepTrials,
                             sweepSteps: sweepSteps, noiseGrid: noiseGrid, dynamicsSeed: seed)
    }

    /// The whole study, or with `shard` its part of the runs, cut evenly by count (the runs'
    /// costs differ up to 3x with Z: one task per run balances them; docs/scaling.md).
    func runStudy(shard: Shard?) throws {
        let interrupt = Interrupt.shared
        let grid = try grid
        let work = URL(fileURLWithPath: self.work)
        let results = shard.map { work.appendingPathComponent("results-shard-\($0.index)-of-\($0.count).jsonl").path } ?? self.results
        let mine = shard.map { Array(grid.runs[$0.units(of: grid.runs.count)]) } ?? grid.runs
        let folder = URL(fileURLWithPath: data)
        var train = try reporting("training data") { try ImageSet(folder: folder, prefix: "train") }
        let test = try reporting("test data") { try ImageSet(folder: folder, prefix: "t10k") }
        if let limit { train = train.subset(Array(0..<min(limit, train.count))) }
        let hashes = try reporting("hashing data") { try Checkpoint.hashData(folder: folder) }
        let settings = settings(trainImages: train.count, grid: grid)
        let measured = try ResultsFile.read(StudyRecord.self, results)
        if let other = measured.first(where: { $0.settings != settings }) {
            throw CLIError("\(results) holds checkpoints measured with other settings (\(other.settings)); use another --results (and --work)")
        }
        let done = Set(measured.map(\.key))
        try checkWork(work, settings: settings)
        let runs = mine.map { StudyTraining(run: $0, work: work, settings: settings, train: train, test: test, hashes: hashes) }
        let pending = runs.map { r in grid.checkpoints.filter { !done.contains(StudyKey(latent: r.run.latent, seed: r.run.seed, epoch: $0)) } }
        let total = pending.map(\.count).reduce(0, +)
        let progress = Progress()
        progress.line("study\(shard.map { ", shard \($0) of \(grid.runs.count) runs" } ?? ""): \(mine.count) runs (\(mine.map(\.description).joined(separator: "; "))), checkpoints at epochs "
            + "\(grid.checkpoints.map(String.init).joined(separator: ", ")) of a \(settings.epochs)-epoch schedule, \(train.count) training images; "
            + "\(done.count) checkpoints measured already, \(total) to go")
        guard total > 0 else {
            progress.line("nothing to do: every checkpoint is in \(results)")
            if let shard { try writeShard(shard, grid: grid, measured: measured, hashes: hashes) }
            return
        }

        let measurement = try StudyMeasurement(settings: settings, classNames: Dataset.mnist.classNames, train: train, test: test)
        let epochsToTrain = try zip(runs, pending).map { r, p in
            p.isEmpty || FileManager.default.fileExists(atPath: r.modelURL(epoch: p.last!).path) ? 0 : p.last! - (try r.startEpoch())
        }.reduce(0, +)
        var left = (epochs: epochsToTrain, checkpoints: total), all = measured
        do {
            // Shards calibrate side by side in one work folder, each in its own.
            let calibration = shard.map { work.appendingPathComponent("calibration-shard-\($0.index)-of-\($0.count)") } ?? work
            var estimate = try StudyEstimate(measured: measured, work: calibration, measurement: measurement, latent: mine.map(\.latent).max()!,
                                             settings: settings, train: train, test: test, hashes: hashes, progress: progress,
                                             isCancelled: { interrupt.isRequested })
            if shard != nil { try? FileManager.default.removeItem(at: calibration) }
            progress.line("estimate: " + estimate.describe(epochs: epochsToTrain, checkpoints: total))
            for (training, epochs) in zip(runs, pending) {
                var trainedTo = try training.startEpoch()
                for epoch in epochs {
                    let url = training.modelURL(epoch: epoch)
                    var building = 0.0
                    if !FileManager.default.fileExists(atPath: url.path) {
                        building = try training.advance(to: epoch, progress: progress, isCancelled: { interrupt.isRequested })
                        left.epochs -= max(0, epoch - trainedTo)
                        trainedTo = epoch
                    }
                    progress.line("\(training.run), epoch \(epoch): measuring")
                    let record = try measurement.measure(url, run: training.run, epoch: epoch, buildingSeconds: building, progress: progress,
                                                         isCancelled: { interrupt.isRequested })
                    try reporting("appending to \(results)") { try ResultsFile.append(record, to: results) }
                    left.checkpoints -= 1
                    all.append(record)
                    estimate.observe(all)
                    progress.line(String(format: "%@, epoch %d: test -ELBO %.2f, own-class share at t = %d %.0f %%, measured in %.0f s; left: %@",
                                         training.run.description, epoch, record.testNegativeELBO, steps, record.finalOwnShare * 100,
                                         record.measuringSeconds, estimate.describe(epochs: left.epochs, checkpoints: left.checkpoints)))
                }
            }
        } catch where interrupt.isRequested && !(error is ExitCode) {
            progress.line("interrupted; rerun the same command to resume (the measured checkpoints are in \(results))")
            throw ExitCode(130)
        }
        if let shard { return try writeShard(shard, grid: grid, measured: all, hashes: hashes) }
        progress.line("study complete: \(measured.count + total) checkpoints in \(results); write the report with: vaedyn study --report --results \(results)")
    }

    /// The shard file of a shard whose checkpoints are all measured: one line per run, its
    /// records in checkpoint order without their seconds, which go beside it.
    func writeShard(_ shard: Shard, grid: StudyGrid, measured: [StudyRecord], hashes: [String: String]) throws {
        let units = shard.units(of: grid.runs.count)
        let records = units.map { u in
            grid.checkpoints.map { epoch in measured.first { $0.key == StudyKey(latent: grid.runs[u].latent, seed: grid.runs[u].seed, epoch: epoch) }! }
        }
        let data = Data(hashes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined().utf8)
        let file = ShardFile<StudyShardSettings, [StudyRecord]>(
            header: .init(command: "study", settings: StudyShardSettings(), inputSHA256: SHA256.hex(data), shard: shard, units: grid.runs.count),
            lines: zip(units, records).map { u, run in .init(unit: u, result: run.map(\.withoutSeconds)) })
        let url = try reporting("writing the shard") { try file.write(into: URL(fileURLWithPath: sharding.shardDir)) }
        try reporting("writing the shard's seconds") { try ShardTimings<[StudySeconds]>.write(records.map { $0.map(\.seconds) }, beside: url) }
        Progress().line("shard \(shard) complete: wrote \(url.path); when every shard is, vaedyn merge writes \(self.results)")
    }

    /// Records in the work folder how its models are trained, or refuses a folder trained otherwise.
    func checkWork(_ work: URL, settings: StudySettings) throws {
        let url = work.appendingPathComponent("training.txt")
        if let kept = try? String(contentsOf: url, encoding: .utf8) {
            guard kept == settings.training else {
                throw CLIError("\(work.path) holds models trained on \(kept), not \(settings.training); use another --work")
            }
            return
        }
        try reporting("writing \(url.path)") {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            // Atomic: the shards of a study may write it at once.
            try Data(settings.training.utf8).write(to: url, options: .atomic)
        }
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
        guard let selection = StudySelection(records) else { throw CLIError("\(results) holds no checkpoints") }
        let c = selection.chosen
        let source = URL(fileURLWithPath: work).appendingPathComponent(StudyGrid.Run(latent: c.latent, seed: c.seed).folder)
            .appendingPathComponent("epoch-\(c.epoch).vaem")
        var bundle = try reporting("\(source.path) (the chosen checkpoint's model file, kept in --work)") { try ModelBundle(contentsOf: source) }
        let url = URL(fileURLWithPath: path)
        bundle.description.id = url.deletingPathExtension().lastPathComponent
        try reporting("writing \(path)") { try bundle.write(to: url) }
        print("chosen by \(StudySelection.rule): Z = \(c.latent), seed \(c.seed), epoch \(c.epoch) "
            + String(format: "(test -ELBO %.2f, best %.2f; own-class share %.3f)", c.testNegativeELBO, selection.best.testNegativeELBO, c.finalOwnShare))
        print("wrote \(path); measure it with: vaedyn eval \(path) --save")
    }
}

/// A study's settings in its shard files: the command line. (Shards trained on other
/// thread counts train the same bits, since training cuts every batch the same way,
/// `Network.shards(rows:)`; headers of earlier studies also name their thread count, which
/// decoding ignores.)
struct StudyShardSettings: Codable, Equatable {
    var command = CommandArguments()
}
