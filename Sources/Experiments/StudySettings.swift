import Foundation
import VAE

/// Everything a study's figures depend on besides the grid point: kept on every line of the
/// results file, so that a file describes itself and a resumed study cannot mix settings.
public struct StudySettings: Codable, Equatable {
    /// Length of every run's cosine learning-rate schedule, in epochs (the last checkpoint).
    public var epochs: Int
    public var hidden: Int
    public var batchSize: Int
    public var learningRate: Float
    public var finalLearningRate: Float
    /// Training images (the first N of the training set).
    public var trainImages: Int
    /// The first N training images the train negative ELBO is measured on.
    public var trainELBOImages: Int
    /// The first N test images of the IS-NLL, and its importance samples per image.
    public var nllImages: Int
    public var importanceSamples: Int
    /// Exemplar inputs of the dynamics: the first N test images of each class.
    public var perClass: Int
    public var noise: Float
    public var trials: Int
    public var steps: Int
    public var sweepTrials: Int
    public var sweepSteps: Int
    public var noiseGrid: String
    /// Seed of every dynamics and sweep run.
    public var dynamicsSeed: UInt64

    /// What the models in a work folder depend on: a work folder trained otherwise cannot be
    /// resumed, while its models can be measured again with other measuring settings.
    public var training: String {
        "\(trainImages) training images, 784-\(hidden)-Z, batch \(batchSize), learning rate \(learningRate) to \(finalLearningRate) over \(epochs) epochs"
    }

    public init(epochs: Int, hidden: Int, batchSize: Int, learningRate: Float, finalLearningRate: Float, trainImages: Int, trainELBOImages: Int, nllImages: Int, importanceSamples: Int, perClass: Int, noise: Float, trials: Int, steps: Int, sweepTrials: Int, sweepSteps: Int, noiseGrid: String, dynamicsSeed: UInt64) {
        self.epochs = epochs
        self.hidden = hidden
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.finalLearningRate = finalLearningRate
        self.trainImages = trainImages
        self.trainELBOImages = trainELBOImages
        self.nllImages = nllImages
        self.importanceSamples = importanceSamples
        self.perClass = perClass
        self.noise = noise
        self.trials = trials
        self.steps = steps
        self.sweepTrials = sweepTrials
        self.sweepSteps = sweepSteps
        self.noiseGrid = noiseGrid
        self.dynamicsSeed = dynamicsSeed
    }
}

/// The models a study trains: one run per (latent size, seed), measured at each checkpoint epoch.
public struct StudyGrid: Equatable {
    public struct Run: Hashable, CustomStringConvertible {
        public let latent: Int
        public let seed: UInt64
        public var description: String { "Z = \(latent), seed \(seed)" }
        /// Its folder under the work folder.
        public var folder: String { "z\(latent)-seed\(seed)" }

        public init(latent: Int, seed: UInt64) {
            self.latent = latent
            self.seed = seed
        }
    }

    public let runs: [Run]
    public let checkpoints: [Int]

    /// Every latent size with seed 1, then the extra seeds of the latent sizes that have them, each run once.
    public init(latent: [Int], extraSeeds: [UInt64], extraLatent: [Int], checkpoints: [Int]) {
        var runs: [Run] = []
        for run in latent.map({ Run(latent: $0, seed: 1) }) + extraLatent.flatMap({ z in extraSeeds.map { Run(latent: z, seed: $0) } })
        where !runs.contains(run) { runs.append(run) }
        self.runs = runs
        self.checkpoints = checkpoints
    }

    /// The default grid of `vaedyn study`: Z = 5...200 with seed 1, Z = 20 and 100 with seeds 2 and 3 too.
    public static let standardLatent = [5, 10, 20, 50, 100, 200], standardExtraSeeds: [UInt64] = [2, 3], standardExtraLatent = [20, 100]
    public static func standard(checkpoints: [Int]) -> StudyGrid {
        StudyGrid(latent: standardLatent, extraSeeds: standardExtraSeeds, extraLatent: standardExtraLatent, checkpoints: checkpoints)
    }

    /// Parses "A,B,C" into integers.
    public static func list<T: FixedWidthInteger>(_ text: String, _ name: String) throws -> [T] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { T(String($0).trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! > 0 }) else { throw ExperimentError("\(name) must be positive integers A,B,C, got '\(text)'") }
        return values.map { $0! }
    }
}
