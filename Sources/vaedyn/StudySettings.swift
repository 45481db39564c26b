import Foundation
import VAE

/// Everything a study's figures depend on besides the grid point: kept on every line of the
/// results file, so that a file describes itself and a resumed study cannot mix settings.
struct StudySettings: Codable, Equatable {
    /// Length of every run's cosine learning-rate schedule, in epochs (the last checkpoint).
    var epochs: Int
    var hidden: Int
    var batchSize: Int
    var learningRate: Float
    var finalLearningRate: Float
    /// Training images (the first N of the training set).
    var trainImages: Int
    /// The first N training images the train negative ELBO is measured on.
    var trainELBOImages: Int
    /// The first N test images of the IS-NLL, and its importance samples per image.
    var nllImages: Int
    var importanceSamples: Int
    /// Exemplar inputs of the dynamics: the first N test images of each class.
    var perClass: Int
    var noise: Float
    var trials: Int
    var steps: Int
    var sweepTrials: Int
    var sweepSteps: Int
    var noiseGrid: String
    /// Seed of every dynamics and sweep run.
    var dynamicsSeed: UInt64

    /// What the models in a work folder depend on: a work folder trained otherwise cannot be
    /// resumed, while its models can be measured again with other measuring settings.
    var training: String {
        "\(trainImages) training images, 784-\(hidden)-Z, batch \(batchSize), learning rate \(learningRate) to \(finalLearningRate) over \(epochs) epochs"
    }
}

/// The models a study trains: one run per (latent size, seed), measured at each checkpoint epoch.
struct StudyGrid: Equatable {
    struct Run: Hashable, CustomStringConvertible {
        let latent: Int
        let seed: UInt64
        var description: String { "Z = \(latent), seed \(seed)" }
        /// Its folder under the work folder.
        var folder: String { "z\(latent)-seed\(seed)" }
    }

    let runs: [Run]
    let checkpoints: [Int]

    /// Every latent size with seed 1, then the extra seeds of the latent sizes that have them, each run once.
    init(latent: [Int], extraSeeds: [UInt64], extraLatent: [Int], checkpoints: [Int]) {
        var runs: [Run] = []
        for run in latent.map({ Run(latent: $0, seed: 1) }) + extraLatent.flatMap({ z in extraSeeds.map { Run(latent: z, seed: $0) } })
        where !runs.contains(run) { runs.append(run) }
        self.runs = runs
        self.checkpoints = checkpoints
    }

    /// Parses "A,B,C" into integers.
    static func list<T: FixedWidthInteger>(_ text: String, _ name: String) throws -> [T] {
        let values = text.split(separator: ",").map { T(String($0).trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! > 0 }) else { throw CLIError("\(name) must be positive integers A,B,C, got '\(text)'") }
        return values.map { $0! }
    }
}

/// A study's settings in its shard files: the command line. (Shards trained on other
/// thread counts train the same bits, since training cuts every batch the same way,
/// `Network.shards(rows:)`; headers of earlier studies also name their thread count, which
/// decoding ignores.)
struct StudyShardSettings: Codable, Equatable {
    var command = CommandArguments()
}
