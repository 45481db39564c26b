import Foundation
import VAE

/// Imputation at population level (`vaedyn impute`): every image of a set with the same
/// mask, `trials` chains each, for steps t = 0...T, scored against the images' own hidden
/// pixels. Images go through the chains in batches (a row's input is its own image, so the
/// products stay full); image n's trial i draws from stream (seed, n * trials + i).
///
/// The chain's estimate of p(x_i = 1 | x_obs) after t steps is its Rao-Blackwellised
/// marginal m_i(t): the mean of p(x_i = 1 | z(s)) over the trials and the second half of
/// the steps, s = floor(t/2) + 1 ... t, the first half discarded as burn-in (at t = 0, over
/// the trials' z(0) ~ q(z | x0): one decode of the encoded observed image). Without the
/// discard a slowly mixing chain (mwg) is judged by where it started as much as by its law.
/// An image's imputation is m_i >= 1/2; the truth is the image binarised at 1/2.
public struct ImputationExperiment: Sendable {
    public let model: DynamicsModel
    public let mask: ImputationMask
    public let kernel: DynamicsParameters.Kernel
    public let trials: Int
    public let steps: Int
    public let seed: UInt64
    /// Images a batch holds.
    public let batchImages: Int

    public init(model: DynamicsModel, mask: ImputationMask, kernel: DynamicsParameters.Kernel, trials: Int, steps: Int, seed: UInt64,
                batchImages: Int = 50) throws {
        guard kernel != .gibbs else { throw DynamicsError("imputation needs kernel clamped or mwg") }
        guard mask.hidden.count == model.architecture.inputSize else {
            throw DynamicsError("the mask covers \(mask.hidden.count) pixels; model '\(model.id)' takes \(model.architecture.inputSize)")
        }
        guard trials >= 1, steps >= 0, batchImages >= 1 else { throw DynamicsError("trials and images a batch must be at least 1, steps at least 0") }
        self.model = model
        self.mask = mask
        self.kernel = kernel
        self.trials = trials
        self.steps = steps
        self.seed = seed
        self.batchImages = batchImages
    }

    /// The scores over `images` at every t; `progress` gets the images done.
    public func run(images: [[UInt8]], isCancelled: () -> Bool = { false }, progress: (Int) -> Void = { _ in }) throws -> [ImputationScore] {
        var batches: [[ImputationTally]] = []
        for b in 0..<batchCount(images: images.count) {
            guard !isCancelled() else { throw DynamicsError("cancelled") }
            let range = batchRange(b, images: images.count)
            batches.append(try tallies(ofBatch: Array(images[range]), first: range.lowerBound))
            progress(range.upperBound)
        }
        return Self.scores(batches, images: images.count)
    }

    /// The batches `count` images go through the chains in: the unit a shard of
    /// `vaedyn impute` runs, each batch's tallies independent of the others'.
    public func batchCount(images count: Int) -> Int { (count + batchImages - 1) / batchImages }

    public func batchRange(_ batch: Int, images count: Int) -> Range<Int> {
        (batch * batchImages)..<min((batch + 1) * batchImages, count)
    }

    /// The scores at every t from the tallies of every batch, added in batch order: the same
    /// bits whether the batches ran in one process or in several.
    public static func scores(_ batches: [[ImputationTally]], images: Int) -> [ImputationScore] {
        guard var total = batches.first else { return [] }
        for batch in batches.dropFirst() { total = zip(total, batch).map { $0.adding($1) } }
        return total.enumerated().map { $0.element.score(t: $0.offset, images: images) }
    }

    /// The tallies at t = 0...steps of the batch `images`, the first of them image `first` of the set.
    public func tallies(ofBatch images: [[UInt8]], first: Int) throws -> [ImputationTally] {
        var tally = [ImputationTally](repeating: ImputationTally(), count: steps + 1)
        var p = DynamicsParameters()
        p.kernel = kernel
        p.mask = mask.form
        let chainKernel = try p.makeKernel(pixels: model.architecture.inputSize)
        guard let imputing = chainKernel as? ImputingKernel else { preconditionFailure("an imputation kernel") }
        let chains = ChainBatch(network: model.network, trials: trials, groups: images.count)
        for r in 0..<chains.rows { chains.streams[r] = RandomStream(seed: seed, stream: UInt64((first + r / trials) * trials + r % trials)) }
        chains.setInitialImages(perGroup: images, binarize: true)
        let hidden = mask.hiddenIndices, d = model.architecture.inputSize
        // Per image and hidden pixel, for every t: the sum of p(x_i | z(s)) over trials and steps 1...t.
        var sums = [[Double]](repeating: [], count: steps + 1)
        sums[0] = [Double](repeating: 0, count: images.count * hidden.count)
        for t in 0...steps {
            if t == 0 { chainKernel.start(chains) } else { chainKernel.advance(chains) }
            let logits = chains.workspace.logits.view.reading(chains.rows * d)
            var now = [Double](repeating: 0, count: images.count * hidden.count)
            for r in 0..<chains.rows {
                let g = r / trials
                for (k, i) in hidden.enumerated() { now[g * hidden.count + k] += 1 / (1 + Foundation.exp(-Double(logits[r * d + i]))) }
            }
            let marginal: [Double]
            if t == 0 {
                marginal = now.map { $0 / Double(trials) }
            } else {
                sums[t] = zip(sums[t - 1], now).map(+)
                let from = t / 2
                marginal = zip(sums[t], sums[from]).map { ($0 - $1) / Double(trials * (t - from)) }
            }
            for (g, image) in images.enumerated() {
                tally[t].add(truth: hidden.map { image[$0] >= 128 }, marginal: marginal[(g * hidden.count)..<((g + 1) * hidden.count)])
            }
            if t > 0, let rate = imputing.acceptance(chains, rows: 0..<chains.rows) {
                tally[t].acceptance = Double(rate) * Double(images.count)
            }
        }
        return tally
    }
}

/// The scores of one step t over all images.
public struct ImputationScore: Codable, Sendable, Equatable {
    public var t: Int
    /// Share of the hidden pixels whose imputation (m_i >= 1/2) is the truth.
    public var accuracy: Double
    /// F1 of the imputed ink (1 pixels) against the truth's.
    public var f1: Double
    /// Mean over images of sum_i log m_i(truth_i) over the hidden pixels, in nats (m clipped to [1e-6, 1 - 1e-6]).
    public var logLikelihood: Double
    /// Kernel mwg, t >= 1: the mean share of proposals accepted at this step.
    public var acceptance: Double?
}

/// What one step t of some images adds up to: the confusion counts of the hidden pixels,
/// the sum of the truth's log-likelihood, and of the acceptance rate times the images.
public struct ImputationTally: Codable, Sendable, Equatable {
    var truePositive = 0, falsePositive = 0, falseNegative = 0, trueNegative = 0
    var logLikelihood = 0.0
    /// The sum over images of their chains' acceptance rate; nil for a kernel without proposals.
    var acceptance: Double?

    init() {}

    func adding(_ other: ImputationTally) -> ImputationTally {
        var sum = self
        sum.truePositive += other.truePositive
        sum.falsePositive += other.falsePositive
        sum.falseNegative += other.falseNegative
        sum.trueNegative += other.trueNegative
        sum.logLikelihood += other.logLikelihood
        if let a = other.acceptance { sum.acceptance = (sum.acceptance ?? 0) + a }
        return sum
    }

    mutating func add(truth: [Bool], marginal: ArraySlice<Double>) {
        for (bit, m) in zip(truth, marginal) {
            let guess = m >= 0.5
            switch (guess, bit) {
            case (true, true): truePositive += 1
            case (true, false): falsePositive += 1
            case (false, true): falseNegative += 1
            case (false, false): trueNegative += 1
            }
            let clipped = min(max(m, 1e-6), 1 - 1e-6)
            logLikelihood += Foundation.log(bit ? clipped : 1 - clipped)
        }
    }

    func score(t: Int, images: Int) -> ImputationScore {
        let total = truePositive + falsePositive + falseNegative + trueNegative
        let f1Denominator = 2 * truePositive + falsePositive + falseNegative
        return ImputationScore(t: t, accuracy: Double(truePositive + trueNegative) / Double(max(total, 1)),
                               f1: f1Denominator == 0 ? 1 : 2 * Double(truePositive) / Double(f1Denominator),
                               logLikelihood: logLikelihood / Double(max(images, 1)),
                               acceptance: acceptance.map { $0 / Double(images) })
    }
}
