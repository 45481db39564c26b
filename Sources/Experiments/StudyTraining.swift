import Foundation
import VAE

/// One training run of a study in its work folder: `train.ckpt` holds where it stands (saved
/// after every epoch and on an interrupt) and `epoch-E.vaem` the model at each checkpoint
/// epoch. A model file is always written before the training checkpoint that passes it, so
/// a run restarted from its checkpoint never needs a model it has trained past.
public final class StudyTraining {
    public let run: StudyGrid.Run
    public let folder: URL
    private let options: TrainingOptions
    private let architecture: Architecture
    private let train: ImageSet, test: ImageSet
    private let hashes: [String: String]
    private var trainer: Trainer?

    public init(run: StudyGrid.Run, work: URL, settings: StudySettings, train: ImageSet, test: ImageSet, hashes: [String: String]) {
        self.run = run
        folder = work.appendingPathComponent(run.folder)
        var options = TrainingOptions()
        options.epochs = settings.epochs
        options.batchSize = settings.batchSize
        options.learningRate = settings.learningRate
        options.finalLearningRate = settings.finalLearningRate
        options.seed = run.seed
        self.options = options
        architecture = Architecture(inputSize: train.pixelsPerImage, hiddenSize: settings.hidden, latentSize: run.latent)
        self.train = train
        self.test = test
        self.hashes = hashes
    }

    public var checkpointURL: URL { folder.appendingPathComponent("train.ckpt") }
    public func modelURL(epoch: Int) -> URL { folder.appendingPathComponent("epoch-\(epoch).vaem") }

    /// The epoch the run would start its training from now: what its checkpoint says, 0 without one.
    public func startEpoch() throws -> Int {
        if let trainer { return trainer.position.epoch }
        guard FileManager.default.fileExists(atPath: checkpointURL.path) else { return 0 }
        return try loadCheckpoint().state.position.epoch
    }

    private func loadCheckpoint() throws -> Checkpoint {
        let checkpoint = try reporting(checkpointURL.path) { try Checkpoint(contentsOf: checkpointURL) }
        guard checkpoint.state.architecture == architecture, checkpoint.state.options == options, checkpoint.state.dataSHA256 == hashes else {
            throw ExperimentError("\(checkpointURL.path) is of another run (\(checkpoint.state.architecture), \(checkpoint.state.options)); delete it or use another --work")
        }
        return checkpoint
    }

    /// The run's trainer at its start (seeded weights), not kept: the estimate also times a few batches of one.
    public func freshTrainer() -> Trainer {
        let parameters = Parameters(architecture)
        parameters.initialize(seed: run.seed)
        return Trainer(parameters: parameters, train: train, test: nil, options: options)
    }

    private func makeTrainer(progress: ExperimentProgress) throws -> Trainer {
        if let trainer { return trainer }
        let trainer: Trainer
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            let checkpoint = try loadCheckpoint()
            trainer = Trainer(parameters: Parameters(architecture), train: train, test: nil, options: options)
            checkpoint.restore(into: trainer)
            progress.line("\(run): resuming training at epoch \(checkpoint.state.position.epoch + 1), batch \(checkpoint.state.position.batch)")
        } else {
            trainer = freshTrainer()
        }
        self.trainer = trainer
        return trainer
    }

    /// Trains on to the end of `epoch`, saves the model there (its training record holds the
    /// run's training seconds so far), and returns the seconds spent building that model file.
    /// When `isCancelled` turns true it saves the training checkpoint and throws
    /// `CancellationError`.
    public func advance(to epoch: Int, progress: ExperimentProgress, isCancelled: @escaping () -> Bool) throws -> Double {
        let trainer = try makeTrainer(progress: progress)
        guard trainer.position.epoch <= epoch else {
            throw ExperimentError("\(run): the training checkpoint is past epoch \(epoch) but \(modelURL(epoch: epoch).path) is missing; delete \(folder.path) to retrain")
        }
        let batches = trainer.batchesPerEpoch, epochs = options.epochs
        while trainer.position.epoch < epoch {
            let next = trainer.position.epoch + 1
            _ = trainer.run(shouldStop: { isCancelled() || trainer.position.epoch >= next }) { event in
                switch event {
                case let .batch(e, batch, _, loss, rate, left):
                    progress.update(String(format: "%@: epoch %d/%d batch %d/%d  loss %.2f  %.0f img/s  run ETA %@", run.description, e + 1, epochs, batch,
                                           batches, loss, rate, formatDuration(left)),
                                    fraction: (Double(e) + Double(batch) / Double(batches)) / Double(epochs))
                case let .epoch(e, trainLoss, _, seconds):
                    progress.line(String(format: "%@: epoch %d/%d  train -ELBO %.2f  (%.1f s)", run.description, e + 1, epochs, trainLoss, seconds))
                }
            }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if isCancelled() {
                try reporting("writing \(checkpointURL.path)") { try Checkpoint(trainer: trainer, dataSHA256: hashes).write(to: checkpointURL) }
                progress.line("\(run): saved \(checkpointURL.path) at epoch \(trainer.position.epoch + 1), batch \(trainer.position.batch); rerun the same command to resume")
                throw CancellationError()
            }
            if trainer.position.epoch == epoch { break }
            try reporting("writing \(checkpointURL.path)") { try Checkpoint(trainer: trainer, dataSHA256: hashes).write(to: checkpointURL) }
        }
        let started = Date()
        let bundle = TrainedBundle.make(id: "\(run.folder)-epoch\(epoch)", dataset: .mnist, trainer: trainer, epochs: epoch,
                                        train: train, test: test, dataSHA256: hashes)
        try reporting("writing \(modelURL(epoch: epoch).path)") { try bundle.write(to: modelURL(epoch: epoch)) }
        try reporting("writing \(checkpointURL.path)") { try Checkpoint(trainer: trainer, dataSHA256: hashes).write(to: checkpointURL) }
        return Date().timeIntervalSince(started)
    }
}
