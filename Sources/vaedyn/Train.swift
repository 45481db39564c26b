import Experiments
import ArgumentParser
import Foundation
import VAE

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the VAE on MNIST or Fashion-MNIST and write a model bundle.",
        discussion: "Ctrl-C stops after the current batch and saves a checkpoint next to --out; --resume continues from it exactly.")

    @Option(help: "Dataset: \(Dataset.ids.joined(separator: ", ")) (a folder made by vaedyn data hierarchy, given with --data); its class names go into the model file.")
    var dataset = Dataset.mnist.id
    @Option(help: "Folder with the dataset's IDX files (default: where its fetch script puts them, data/DATASET).")
    var data: String?
    @Option(help: "Number of epochs.") var epochs = 100
    @Option(help: "Random seed (initial weights, batch order, binarisation, noise).") var seed: UInt64 = 1
    @Option(help: "Output model file (.vaem).") var out = "models/model.vaem"
    @Option(help: "Hidden units.") var hidden = 1024
    @Option(help: "Latent units.") var latent = 100
    @Option(help: "Hidden layers' nonlinearity: \(Activation.allCases.map(\.rawValue).joined(separator: " or ")).") var activation = Activation.tanh
    @Option(name: .customLong("batch-size"), help: "Images per batch.") var batchSize = 100
    @Option(help: "Initial Adam learning rate.") var lr: Float = 1e-3
    @Option(name: .customLong("final-lr"), help: "Learning rate at the end (cosine decay).") var finalLR: Float = 1e-4
    @Option(help: "Use only the first N training images (quick trials).") var limit: Int?
    @Option(help: "Resume from a checkpoint written by an interrupted run.") var resume: String?

    func validate() throws {
        guard Dataset.ids.contains(dataset) else {
            throw ValidationError("--dataset \(dataset) is not known; use \(Dataset.ids.joined(separator: ", "))")
        }
        if dataset == Dataset.hierarchyID, data == nil { throw ValidationError("--dataset \(dataset) needs --data FOLDER (made by vaedyn data hierarchy)") }
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard hidden > 0, latent > 0 else { throw ValidationError("--hidden and --latent must be positive") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard lr > 0, finalLR > 0, lr.isFinite, finalLR.isFinite else { throw ValidationError("learning rates must be positive") }
        if let limit, limit < batchSize { throw ValidationError("--limit must be at least --batch-size") }
    }

    func run() throws {
        let kind = try reporting("--data") { try Dataset.resolve(dataset, folder: data) }
        let folder = URL(fileURLWithPath: data ?? kind.folder)
        var train = try reporting("training data") { try ImageSet(folder: folder, prefix: "train") }
        let test = try reporting("test data") { try ImageSet(folder: folder, prefix: "t10k") }
        if let limit { train = train.subset(Array(0..<min(limit, train.count))) }
        let hashes = try reporting("hashing data") { try Checkpoint.hashData(folder: folder) }

        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = lr
        options.finalLearningRate = finalLR
        options.seed = seed
        let architecture = Architecture(inputSize: train.pixelsPerImage, hiddenSize: hidden, latentSize: latent, activation: activation)
        let outURL = URL(fileURLWithPath: out)
        let checkpointURL = URL(fileURLWithPath: out + ".ckpt")

        let parameters = Parameters(architecture)
        let trainer: Trainer
        if let resume {
            let checkpoint = try reporting(resume) { try Checkpoint(contentsOf: URL(fileURLWithPath: resume)) }
            guard checkpoint.state.architecture == architecture, checkpoint.state.options == options else {
                throw CLIError("\(resume) was made with \(checkpoint.state.architecture) and \(checkpoint.state.options); pass the same options to resume")
            }
            guard checkpoint.state.dataSHA256 == hashes else { throw CLIError("\(resume) was trained on other data files") }
            trainer = Trainer(parameters: parameters, train: train, test: test, options: options)
            checkpoint.restore(into: trainer)
            FileHandle.standardError.write(Data("resuming at epoch \(checkpoint.state.position.epoch + 1), batch \(checkpoint.state.position.batch)\n".utf8))
        } else {
            parameters.initialize(seed: seed)
            trainer = Trainer(parameters: parameters, train: train, test: test, options: options)
        }

        let progress = Progress()
        progress.line("training \(architecture) on \(train.count) images, \(epochs) epochs, batch \(batchSize), seed \(seed), \(Parallel.threads) threads")
        let interrupt = Interrupt.shared
        let finished = trainer.run(shouldStop: { interrupt.isRequested }) { event in
            switch event {
            case let .batch(epoch, batch, batches, loss, rate, left):
                progress.update(String(format: "epoch %d/%d batch %d/%d  loss %.2f  %.0f img/s  ETA %@", epoch + 1, epochs, batch, batches,
                                       loss, rate, formatDuration(left)),
                                fraction: (Double(epoch) + Double(batch) / Double(batches)) / Double(epochs))
            case let .epoch(epoch, trainLoss, testLoss, seconds):
                progress.line(String(format: "epoch %d/%d  train -ELBO %.2f  test -ELBO %.2f  (%.1f s)", epoch + 1, epochs, trainLoss,
                                     testLoss ?? .nan, seconds))
            }
        }
        if !finished {
            try reporting("writing checkpoint") { try Checkpoint(trainer: trainer, dataSHA256: hashes).write(to: checkpointURL) }
            progress.line("saved checkpoint \(checkpointURL.path); continue with: vaedyn train <same options> --resume \(checkpointURL.path)")
            throw ExitCode(130)
        }

        progress.line("computing concepts, projection and exemplars")
        let bundle = TrainedBundle.make(id: outURL.deletingPathExtension().lastPathComponent, dataset: kind, trainer: trainer,
                                        epochs: epochs, train: train, test: test, dataSHA256: hashes)
        try reporting("writing \(out)") { try bundle.write(to: outURL) }
        try? FileManager.default.removeItem(at: checkpointURL)
        progress.line(String(format: "wrote %@ (%.0f s of training, %.0f img/s); measure it with: vaedyn eval %@ --save", out,
                             trainer.secondsTraining, Double(trainer.imagesTrained) / max(trainer.secondsTraining, 1e-9), out))
    }
}
