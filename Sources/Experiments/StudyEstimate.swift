import Foundation
import VAE

/// How long the rest of a study takes: epochs at a measured training rate plus checkpoints
/// at a measured time each. The rates come from the results file when it has lines (their
/// own seconds), otherwise from a calibration: one epoch of the largest model and one full
/// measurement of it (thrown away: the estimate costs one epoch and one checkpoint's measuring).
public struct StudyEstimate {
    private(set) var imagesPerSecond: Double
    private(set) var secondsPerCheckpoint: Double
    private let imagesPerEpoch: Int
    private(set) var source: String

    public init(measured: [StudyRecord], work: URL, measurement: StudyMeasurement, latent: Int, settings: StudySettings, train: ImageSet,
         test: ImageSet, hashes: [String: String], progress: ExperimentProgress, isCancelled: @escaping () -> Bool) throws {
        imagesPerEpoch = train.count / settings.batchSize * settings.batchSize
        if !measured.isEmpty {
            (imagesPerSecond, secondsPerCheckpoint) = Self.rates(measured, imagesPerEpoch: imagesPerEpoch)
            source = "the seconds of the \(measured.count) checkpoints in the results file"
            return
        }
        progress.line("calibrating the estimate: one epoch of training at Z = \(latent), one measurement of that model (both thrown away)")
        // Seed 0 names a folder no run of a grid has (their seeds are positive); it is removed below.
        let training = StudyTraining(run: StudyGrid.Run(latent: latent, seed: 0), work: work, settings: settings, train: train, test: test, hashes: hashes)
        let trainer = training.freshTrainer()
        _ = trainer.run(shouldStop: { isCancelled() || trainer.position.epoch >= 1 }) { _ in }
        if isCancelled() { throw CancellationError() }
        imagesPerSecond = Double(trainer.imagesTrained) / max(trainer.secondsTraining, 1e-9)
        let started = Date()
        let url = training.modelURL(epoch: 1)
        try reporting("writing \(url.path)") {
            try FileManager.default.createDirectory(at: training.folder, withIntermediateDirectories: true)
            try TrainedBundle.make(id: "calibration", dataset: .mnist, trainer: trainer, epochs: 1, train: train, test: test, dataSHA256: hashes).write(to: url)
        }
        let building = Date().timeIntervalSince(started)
        secondsPerCheckpoint = try measurement.measure(url, run: training.run, epoch: 1, buildingSeconds: building, progress: progress, isCancelled: isCancelled).measuringSeconds
        try? FileManager.default.removeItem(at: training.folder)
        source = "a calibration: one epoch, one measurement"
    }

    /// Training images per second over the runs so far (each run's last record holds its
    /// cumulative training seconds) and the mean seconds of a checkpoint's measuring.
    private static func rates(_ records: [StudyRecord], imagesPerEpoch: Int) -> (Double, Double) {
        var last: [StudyGrid.Run: StudyRecord] = [:]
        for r in records { last[StudyGrid.Run(latent: r.latent, seed: r.seed)] = r }
        let images = last.values.map { Double($0.epoch * imagesPerEpoch) }.reduce(0, +)
        return (images / max(last.values.map(\.trainingSeconds).reduce(0, +), 1e-9),
                records.map(\.measuringSeconds).reduce(0, +) / Double(records.count))
    }

    /// Takes the seconds of every checkpoint measured so far as the rates.
    public mutating func observe(_ records: [StudyRecord]) {
        (imagesPerSecond, secondsPerCheckpoint) = Self.rates(records, imagesPerEpoch: imagesPerEpoch)
        source = "the checkpoints measured so far"
    }

    public func describe(epochs: Int, checkpoints: Int) -> String {
        let training = Double(epochs * imagesPerEpoch) / imagesPerSecond, measuring = Double(checkpoints) * secondsPerCheckpoint
        return String(format: "about %@ (%d epochs of training at %.0f images/s: %@; %d checkpoints at %.0f s each: %@; from %@)",
                      formatDuration(training + measuring), epochs, imagesPerSecond, formatDuration(training), checkpoints, secondsPerCheckpoint,
                      formatDuration(measuring), source)
    }
}
