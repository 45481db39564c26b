import Foundation
import VAE

/// Everything `vaedyn study` runs from, but how it is sharded, its report and its export:
/// what a shard file's header carries.
public struct StudyRunSettings: Codable, Equatable {
    /// Folder with the MNIST IDX files; work folder (training checkpoints and each checkpoint's
    /// model file); results file.
    public var data: String, work: String, results: String
    public var latent: [Int], extraSeeds: [UInt64], extraLatent: [Int], checkpoints: [Int]
    /// Train on the first N training images only.
    public var limit: Int?
    public var trainELBOImages: Int, nllImages: Int, samples: Int, perClass: Int
    public var noise: Float
    public var trials: Int, steps: Int, sweepTrials: Int, sweepSteps: Int
    public var noiseGrid: String
    public var seed: UInt64

    public init(data: String, work: String, results: String, latent: [Int], extraSeeds: [UInt64], extraLatent: [Int], checkpoints: [Int],
                limit: Int?, trainELBOImages: Int, nllImages: Int, samples: Int, perClass: Int, noise: Float, trials: Int, steps: Int,
                sweepTrials: Int, sweepSteps: Int, noiseGrid: String, seed: UInt64) {
        self.data = data
        self.work = work
        self.results = results
        self.latent = latent
        self.extraSeeds = extraSeeds
        self.extraLatent = extraLatent
        self.checkpoints = checkpoints
        self.limit = limit
        self.trainELBOImages = trainELBOImages
        self.nllImages = nllImages
        self.samples = samples
        self.perClass = perClass
        self.noise = noise
        self.trials = trials
        self.steps = steps
        self.sweepTrials = sweepTrials
        self.sweepSteps = sweepSteps
        self.noiseGrid = noiseGrid
        self.seed = seed
    }
}

/// `vaedyn study`: train and measure a grid of models over latent size and training length,
/// resumable, one results line per checkpoint. Its units are the training runs (Z, seed).
public final class Study: ShardedRun {
    public static let command = "study"
    public static let hidden = 1024

    public let settings: StudyRunSettings
    public let grid: StudyGrid
    /// What every results line records (training and measuring).
    public let measuring: StudySettings
    public let train: ImageSet, test: ImageSet
    public let hashes: [String: String]

    public init(settings: StudyRunSettings) throws {
        self.settings = settings
        let epochs = settings.checkpoints
        guard !epochs.isEmpty, epochs == epochs.sorted(), Set(epochs).count == epochs.count else { throw ExperimentError("--checkpoints must be increasing") }
        grid = StudyGrid(latent: settings.latent, extraSeeds: settings.extraSeeds, extraLatent: settings.extraLatent, checkpoints: epochs)
        let folder = URL(fileURLWithPath: settings.data)
        var train = try reporting("training data") { try ImageSet(folder: folder, prefix: "train") }
        test = try reporting("test data") { try ImageSet(folder: folder, prefix: "t10k") }
        if let limit = settings.limit { train = train.subset(Array(0..<min(limit, train.count))) }
        self.train = train
        hashes = try reporting("hashing data") { try Checkpoint.hashData(folder: folder) }
        let o = TrainingOptions(), s = settings
        measuring = StudySettings(epochs: epochs.last!, hidden: Self.hidden, batchSize: o.batchSize, learningRate: o.learningRate,
                                  finalLearningRate: o.finalLearningRate, trainImages: train.count, trainELBOImages: s.trainELBOImages,
                                  nllImages: s.nllImages, importanceSamples: s.samples, perClass: s.perClass, noise: s.noise, trials: s.trials,
                                  steps: s.steps, sweepTrials: s.sweepTrials, sweepSteps: s.sweepSteps, noiseGrid: s.noiseGrid, dynamicsSeed: s.seed)
    }

    /// Of the data files' SHA-256s, as "NAME HASH" lines in name order.
    public var inputSHA256: String {
        SHA256.hex(Data(hashes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined().utf8))
    }
    public var inputName: String { "the data files in \(settings.data)" }
    public var unitCount: Int { grid.runs.count }

    public func merged(_ results: [[StudyRecord]], timings: [[StudySeconds]]?) throws -> MergedOutput {
        var records = results.flatMap { $0 }
        let seconds = timings?.flatMap { $0 } ?? []
        for k in records.indices { records[k].seconds = k < seconds.count ? seconds[k] : StudySeconds(training: 0, measuring: 0) }
        return .file(defaultPath: settings.results, contents: try ResultsFile.data(records), replaces: false,
                     summary: "\(results.count) runs (\(records.count) checkpoints)")
    }

    /// Trains and measures every checkpoint not yet in the results file, of the whole grid
    /// or with `shard` of its part of the runs (cut evenly by count: the runs' costs differ
    /// up to 3x with Z, so one task per run balances them; docs/scaling.md). A shard keeps
    /// its lines in the work folder and writes its shard file into `shardDirectory` once all
    /// are measured. When `isCancelled` turns true, the training under way is saved and
    /// `CancellationError` thrown: the same call again resumes.
    public func run(shard: Shard?, shardDirectory: URL, progress: ExperimentProgress, isCancelled: @escaping () -> Bool) throws {
        let work = URL(fileURLWithPath: settings.work)
        let results = shard.map { work.appendingPathComponent("results-shard-\($0.index)-of-\($0.count).jsonl").path } ?? settings.results
        let mine = shard.map { Array(grid.runs[$0.units(of: grid.runs.count)]) } ?? grid.runs
        let measured = try ResultsFile.read(StudyRecord.self, results)
        if let other = measured.first(where: { $0.settings != measuring }) {
            throw ExperimentError("\(results) holds checkpoints measured with other settings (\(other.settings)); use another --results (and --work)")
        }
        let done = Set(measured.map(\.key))
        try checkWork(work)
        let runs = mine.map { StudyTraining(run: $0, work: work, settings: measuring, train: train, test: test, hashes: hashes) }
        let pending = runs.map { r in grid.checkpoints.filter { !done.contains(StudyKey(latent: r.run.latent, seed: r.run.seed, epoch: $0)) } }
        let total = pending.map(\.count).reduce(0, +)
        progress.line("study\(shard.map { ", shard \($0) of \(grid.runs.count) runs" } ?? ""): \(mine.count) runs (\(mine.map(\.description).joined(separator: "; "))), checkpoints at epochs "
            + "\(grid.checkpoints.map(String.init).joined(separator: ", ")) of a \(measuring.epochs)-epoch schedule, \(train.count) training images; "
            + "\(done.count) checkpoints measured already, \(total) to go")
        guard total > 0 else {
            progress.line("nothing to do: every checkpoint is in \(results)")
            if let shard { try writeShard(shard, measured: measured, into: shardDirectory, progress: progress) }
            return
        }

        let measurement = try StudyMeasurement(settings: measuring, classNames: Dataset.mnist.classNames, train: train, test: test)
        let epochsToTrain = try zip(runs, pending).map { r, p in
            p.isEmpty || FileManager.default.fileExists(atPath: r.modelURL(epoch: p.last!).path) ? 0 : p.last! - (try r.startEpoch())
        }.reduce(0, +)
        var left = (epochs: epochsToTrain, checkpoints: total), all = measured
        do {
            // Shards calibrate side by side in one work folder, each in its own.
            let calibration = shard.map { work.appendingPathComponent("calibration-shard-\($0.index)-of-\($0.count)") } ?? work
            var estimate = try StudyEstimate(measured: measured, work: calibration, measurement: measurement, latent: mine.map(\.latent).max()!,
                                             settings: measuring, train: train, test: test, hashes: hashes, progress: progress, isCancelled: isCancelled)
            if shard != nil { try? FileManager.default.removeItem(at: calibration) }
            progress.line("estimate: " + estimate.describe(epochs: epochsToTrain, checkpoints: total))
            for (training, epochs) in zip(runs, pending) {
                var trainedTo = try training.startEpoch()
                for epoch in epochs {
                    let url = training.modelURL(epoch: epoch)
                    var building = 0.0
                    if !FileManager.default.fileExists(atPath: url.path) {
                        building = try training.advance(to: epoch, progress: progress, isCancelled: isCancelled)
                        left.epochs -= max(0, epoch - trainedTo)
                        trainedTo = epoch
                    }
                    progress.line("\(training.run), epoch \(epoch): measuring")
                    let record = try measurement.measure(url, run: training.run, epoch: epoch, buildingSeconds: building, progress: progress,
                                                         isCancelled: isCancelled)
                    try reporting("appending to \(results)") { try ResultsFile.append(record, to: results) }
                    left.checkpoints -= 1
                    all.append(record)
                    estimate.observe(all)
                    progress.line(String(format: "%@, epoch %d: test -ELBO %.2f, approach beyond the control for %.0f %% of the inputs, measured in %.0f s; left: %@",
                                         training.run.description, epoch, record.testNegativeELBO, (record.controlled?.approachAbove ?? 0) * 100,
                                         record.measuringSeconds, estimate.describe(epochs: left.epochs, checkpoints: left.checkpoints)))
                }
            }
        } catch where isCancelled() {
            progress.line("interrupted; rerun the same command to resume (the measured checkpoints are in \(results))")
            throw CancellationError()
        }
        if let shard { return try writeShard(shard, measured: all, into: shardDirectory, progress: progress) }
        progress.line("study complete: \(measured.count + total) checkpoints in \(results); write the report with: vaedyn study --report --results \(results)")
    }

    /// Trains every run of the grid (or of `shard`'s part) to each checkpoint epoch whose model
    /// file is missing from the work folder, and measures nothing: training is the long part
    /// and does not depend on how a checkpoint is measured, so the models can be built while the
    /// measurements are still changing; the study's run then measures from these files.
    public func trainOnly(shard: Shard?, progress: ExperimentProgress, isCancelled: @escaping () -> Bool) throws {
        let work = URL(fileURLWithPath: settings.work)
        let mine = shard.map { Array(grid.runs[$0.units(of: grid.runs.count)]) } ?? grid.runs
        try checkWork(work)
        let runs = mine.map { StudyTraining(run: $0, work: work, settings: measuring, train: train, test: test, hashes: hashes) }
        progress.line("study, training only: \(mine.count) runs (\(mine.map(\.description).joined(separator: "; "))) to epochs "
            + grid.checkpoints.map(String.init).joined(separator: ", "))
        do {
            for training in runs {
                for epoch in grid.checkpoints where !FileManager.default.fileExists(atPath: training.modelURL(epoch: epoch).path) {
                    _ = try training.advance(to: epoch, progress: progress, isCancelled: isCancelled)
                    progress.line("\(training.run), epoch \(epoch): wrote \(training.modelURL(epoch: epoch).path)")
                }
            }
        } catch where isCancelled() {
            progress.line("interrupted; rerun the same command to resume")
            throw CancellationError()
        }
        progress.line("training complete: measure with the same command without --train-only")
    }

    /// The shard file of a shard whose checkpoints are all measured: one line per run, its
    /// records in checkpoint order without their seconds, which go beside it.
    private func writeShard(_ shard: Shard, measured: [StudyRecord], into directory: URL, progress: ExperimentProgress) throws {
        let units = shard.units(of: grid.runs.count)
        let records = units.map { u in
            grid.checkpoints.map { epoch in measured.first { $0.key == StudyKey(latent: grid.runs[u].latent, seed: grid.runs[u].seed, epoch: epoch) }! }
        }
        let url = try writeShard(shard, units: units, results: records.map { $0.map(\.withoutSeconds) }, timings: records.map { $0.map(\.seconds) },
                                 into: directory)
        progress.line("shard \(shard) complete: wrote \(url.path); when every shard is, vaedyn merge writes \(settings.results)")
    }

    /// Records in the work folder how its models are trained, or refuses a folder trained otherwise.
    private func checkWork(_ work: URL) throws {
        let url = work.appendingPathComponent("training.txt")
        if let kept = try? String(contentsOf: url, encoding: .utf8) {
            guard kept == measuring.training else {
                throw ExperimentError("\(work.path) holds models trained on \(kept), not \(measuring.training); use another --work")
            }
            return
        }
        try reporting("writing \(url.path)") {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            // Atomic: the shards of a study may write it at once.
            try Data(measuring.training.utf8).write(to: url, options: .atomic)
        }
    }
}
