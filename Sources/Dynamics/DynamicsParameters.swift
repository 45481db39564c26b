/// Everything a run depends on besides the model and the input; echoed in the start record
/// under the names of RunParameter.all (DynamicsParameters+Coding).
public struct DynamicsParameters: Sendable, Equatable {
    /// Whether a chain variable is drawn from its distribution or replaced by its mean.
    public enum Draw: String, Codable, Sendable, CaseIterable {
        case sample, mean
    }

    /// The latent quantity distances are measured on.
    public enum Measure: String, Codable, Sendable, CaseIterable {
        /// The encoder mean mu(t), the quantity the concepts are defined on.
        case mean
        /// The latent state z(t) the chain carries.
        case sample
    }

    public enum Metric: String, Codable, Sendable, CaseIterable {
        case euclidean
        /// 1 - cosine similarity.
        case cosine
    }

    /// The chain (ChainKernel): the paper's, or one of the imputation chains that hold the
    /// pixels outside `mask` fixed.
    public enum Kernel: String, Codable, Sendable, CaseIterable {
        case gibbs, clamped, mwg
    }

    public enum Aggregation: String, Codable, Sendable, CaseIterable {
        /// Mean over trials of each trial's distance (with a standard error).
        case trials
        /// Distance of the trial-averaged state (no standard error).
        case state
    }

    public var kernel = Kernel.gibbs
    /// The hidden pixels of an imputation chain (`clamped`, `mwg`); nil for `gibbs`.
    public var mask: ImputationMask.Form?
    public var steps = 100
    public var trials = 500
    public var seed: UInt64 = 1
    public var noise = NoiseModel(constant: .replace, ratio: 0.2)
    public var binarize = true
    public var image = Draw.sample
    public var latent = Draw.sample
    public var measure = Measure.mean
    public var metric = Metric.euclidean
    public var aggregation = Aggregation.trials
    /// Steps over which summaries take the minimum distance (nil: 0...steps).
    public var window: StepWindow?
    /// Step records carry the mean over trials of x(t).
    public var meanImage = false
    /// Step records carry every trial's state on the two projection axes.
    public var projection = false
    /// Step records carry the classes of the trials' nearest training memories.
    public var memory = false
    /// Step records carry each concept's contrast with the other concepts of its level.
    public var contrast = false

    public init() {}

    /// Checks every integer against its range in RunParameter.all, and the rules between parameters.
    public func validate() throws {
        for parameter in RunParameter.all {
            // A seed beyond Int.max reads as Int.max: still outside its range.
            guard case .integer(let range) = parameter.kind, case .integer(let value) = parameter.value(in: self) else { continue }
            guard range.contains(value) else {
                throw DynamicsError("\(parameter.name) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
        }
        try noise.validate(binaryImages: binarize)
        if let window, window.to > steps {
            throw DynamicsError("window \(window) ends after the last step \(steps)")
        }
        if let rule = kernelRule { throw DynamicsError("\(rule.parameter): \(rule.message)") }
        if contrast && aggregation == .state {
            throw DynamicsError("contrast: is a mean over trials (aggregate trials); the trial-averaged state has no per-trial contrast")
        }
    }

    /// The parameter at fault and why, when the kernel cannot run with these parameters:
    /// an imputation chain needs a mask and the paper's chain takes none; the
    /// Metropolis-within-Gibbs ratio is that of drawn binary pixels and a drawn z.
    public var kernelRule: (parameter: String, message: String)? {
        switch kernel {
        case .gibbs: return mask == nil ? nil : ("mask", "is for kernel clamped or mwg; the gibbs chain hides no pixel")
        case .clamped, .mwg:
            if mask == nil { return ("mask", "is required by kernel \(kernel.rawValue): which pixels are hidden") }
            if kernel == .clamped { return nil }
            if image != .sample || latent != .sample { return ("kernel", "mwg draws x and z (x and z must be sample): a mean is no proposal") }
            return binarize ? nil : ("kernel", "mwg needs binary pixels (binarize): its acceptance ratio is a Bernoulli likelihood")
        }
    }

    /// The chain these parameters run, its mask resolved for a model of `pixels` pixels.
    public func makeKernel(pixels: Int) throws -> ChainKernel {
        try validate()
        let mask = try self.mask.map { try ImputationMask($0, pixels: pixels) }
        switch (kernel, mask) {
        case (.clamped, let mask?): return ClampedKernel(mask: mask, sampleImage: image == .sample, sampleLatent: latent == .sample)
        case (.mwg, let mask?): return MetropolisWithinGibbsKernel(mask: mask)
        default: return GibbsKernel(sampleImage: image == .sample, sampleLatent: latent == .sample)
        }
    }

    /// The steps the minimum is taken over.
    public var minimumSteps: ClosedRange<Int> { window.map { $0.from...$0.to } ?? 0...steps }
}

/// A closed range of steps, `from:to`.
public struct StepWindow: Codable, Sendable, Equatable, CustomStringConvertible {
    public var from: Int
    public var to: Int

    public init(from: Int, to: Int) throws {
        guard from >= 0, to >= from else { throw DynamicsError("window must be FROM:TO with 0 <= FROM <= TO, got \(from):\(to)") }
        self.from = from
        self.to = to
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else {
            throw DynamicsError("window must be FROM:TO (steps), got '\(text)'")
        }
        try self.init(from: a, to: b)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(from: c.decode(Int.self, forKey: .from), to: c.decode(Int.self, forKey: .to))
    }

    public var description: String { "\(from):\(to)" }
}

extension NoiseModel {
    /// A noise whose ratio is a constant in [0, 1] (the defaults), built without the
    /// throwing check and so without a `try!` (DynamicsTests checks that the check passes).
    init(constant kind: Kind, ratio: Float) {
        self.kind = kind
        self.ratio = ratio
    }
}
