import Foundation

public struct TrainingOptions: Codable, Sendable, Equatable {
    public var epochs: Int = 100
    public var batchSize: Int = 100
    public var learningRate: Float = 1e-3
    /// The learning rate falls from `learningRate` to this along a cosine over the run.
    public var finalLearningRate: Float = 1e-4
    public var seed: UInt64 = 1

    public init() {}

    public func learningRate(atEpochFraction f: Double) -> Float {
        let c = 0.5 * (1 + cos(Double.pi * min(max(f / Double(epochs), 0), 1)))
        return finalLearningRate + Float(c) * (learningRate - finalLearningRate)
    }
}

/// Where a run stands: the next batch to train. Saved in checkpoints.
public struct TrainingPosition: Codable, Sendable, Equatable {
    public var epoch: Int
    public var batch: Int
    public init(epoch: Int, batch: Int) {
        self.epoch = epoch
        self.batch = batch
    }
}

public enum TrainingEvent: Sendable {
    /// After each batch: running mean of the epoch's negative ELBO so far.
    case batch(epoch: Int, batch: Int, batches: Int, loss: Double, imagesPerSecond: Double, secondsLeft: Double)
    /// After each epoch.
    case epoch(epoch: Int, trainNegativeELBO: Double, testNegativeELBO: Double?, seconds: Double)
}

/// Minibatch training of the negative ELBO with Adam, dynamically binarised inputs and one
/// reparameterised sample per image.
///
/// Every random draw comes from a stream named by (seed, epoch, batch), so a run stopped
/// and resumed at a batch boundary continues exactly as an uninterrupted one would.
public final class Trainer: @unchecked Sendable {
    public let network: Network
    public let options: TrainingOptions
    public let optimizer: Adam
    public private(set) var position = TrainingPosition(epoch: 0, batch: 0)
    public private(set) var imagesTrained = 0
    public private(set) var secondsTraining = 0.0
    public private(set) var lastTrainLoss = Double.nan
    public private(set) var lastTestLoss: Double?

    private let train: ImageSet
    private let test: FloatBuffer?
    private let testCount: Int
    private let workspace: Workspace
    private let batch: FloatBuffer
    private let binarizer = Binarizer()

    public static let testBinarisationSeed: UInt64 = 20_171_213

    public init(parameters: Parameters, train: ImageSet, test: ImageSet?, options: TrainingOptions) {
        precondition(train.pixelsPerImage == parameters.architecture.inputSize)
        network = Network(parameters: parameters)
        self.options = options
        self.train = train
        self.test = test.map { Binarizer().binarize($0, seed: Self.testBinarisationSeed) }
        testCount = test?.count ?? 0
        optimizer = Adam(count: parameters.count, learningRate: options.learningRate)
        workspace = Workspace(parameters.architecture, capacity: max(options.batchSize, 500), training: true)
        batch = FloatBuffer(count: options.batchSize * parameters.architecture.inputSize)
    }

    public var batchesPerEpoch: Int { train.count / options.batchSize }

    public func resume(at position: TrainingPosition, imagesTrained: Int, secondsTraining: Double) {
        self.position = position
        self.imagesTrained = imagesTrained
        self.secondsTraining = secondsTraining
    }

    /// The order of the training images in an epoch.
    func permutation(epoch: Int) -> [Int] {
        var order = Array(0..<train.count)
        var rng = RandomStream(seed: options.seed, stream: UInt64(epoch) << 32 | 0x5045_524D)
        order.shuffle(using: &rng)
        return order
    }

    /// Trains until all epochs are done or `shouldStop` returns true (checked between
    /// batches). Returns true when the run is complete.
    public func run(shouldStop: () -> Bool = { false }, report: (TrainingEvent) -> Void) -> Bool {
        let b = options.batchSize
        let batches = batchesPerEpoch
        while position.epoch < options.epochs {
            let epoch = position.epoch
            let order = permutation(epoch: epoch)
            var epochLoss = 0.0
            var epochBatches = 0
            let epochStart = Date()
            var windowStart = Date(), windowImages = 0
            while position.batch < batches {
                if shouldStop() { return false }
                let start = Date()
                let k = position.batch
                drawBatch(epoch: epoch, batch: k, images: order[(k * b)..<((k + 1) * b)])
                optimizer.learningRate = options.learningRate(atEpochFraction: Double(epoch) + Double(k) / Double(batches))
                let (rec, kl) = network.lossAndGradients(batch.view, rows: b, workspace: workspace,
                                                         into: optimizer.beginStep(for: network))
                epochLoss += rec + kl
                epochBatches += 1
                position.batch += 1
                imagesTrained += b
                windowImages += b
                secondsTraining += Date().timeIntervalSince(start)
                let windowSeconds = Date().timeIntervalSince(windowStart)
                if windowSeconds >= 0.5 || position.batch == batches {
                    let rate = Double(windowImages) / max(windowSeconds, 1e-9)
                    let left = Double((options.epochs - epoch) * batches - position.batch) * Double(b) / rate
                    report(.batch(epoch: epoch, batch: position.batch, batches: batches, loss: epochLoss / Double(epochBatches),
                                  imagesPerSecond: rate, secondsLeft: left))
                    windowStart = Date()
                    windowImages = 0
                }
            }
            lastTrainLoss = epochLoss / Double(max(epochBatches, 1))
            lastTestLoss = test.map { testNegativeELBO($0) }
            report(.epoch(epoch: epoch, trainNegativeELBO: lastTrainLoss, testNegativeELBO: lastTestLoss,
                          seconds: Date().timeIntervalSince(epochStart)))
            position = TrainingPosition(epoch: epoch + 1, batch: 0)
        }
        return true
    }

    /// Binarises the batch's images and draws their reparameterisation noise, in parallel:
    /// each image has a stream of its own, named by (seed, epoch, batch, row).
    private func drawBatch(epoch: Int, batch k: Int, images: ArraySlice<Int>) {
        precondition(images.count < 1 << 20 && k < 1 << 24, "the batch's random streams would overlap")
        let d = network.architecture.inputSize, z = network.architecture.latentSize
        let first = images.startIndex, seed = options.seed
        let stream = UInt64(epoch) << 44 | UInt64(k) << 20
        let out = batch.view, noise = workspace.noise.view
        train.pixels.withUnsafeBufferPointer { px in
            let pixels = UnsafeSendable(px)
            Parallel.forEachShard(network.shards(rows: images.count), workers: network.shardLimit) { _, rows in
                for i in rows {
                    var rng = RandomStream(seed: seed, stream: stream | UInt64(i))
                    let image = UnsafeBufferPointer(rebasing: pixels.value[(images[first + i] * d)..<((images[first + i] + 1) * d)])
                    binarizer.binarize(image, count: d, into: out + i * d, rng: &rng)
                    rng.fillGaussian(noise + i * z, count: z)
                }
            }
        }
    }

    /// One-sample negative ELBO of the fixed binarised test set, with fixed noise.
    func testNegativeELBO(_ images: FloatBuffer) -> Double {
        Evaluator(network: network).negativeELBO(images: images, count: testCount, seed: Self.testBinarisationSeed)
    }
}
