import Dynamics

/// One line of an imputation results file (`vaedyn impute`): the curve of one (mask,
/// kernel) over the steps, or the stages reached against the fraction of pixels hidden.
/// `ImputationReport` documents each measure. In the file a line is one flat object whose
/// "kind" ("curve" or "stages") says which fields follow.
public struct ImputationRecord: Codable, Equatable {
    public var model: String
    public var kernel: String
    public var settings: ImputationSettings
    public var seconds: Double
    public var measure: Measure

    public enum Measure: Equatable {
        case curve(ImputationCurve)
        case stages(ImputationStages)
    }

    public init(model: String, kernel: String, settings: ImputationSettings, seconds: Double, measure: Measure) {
        self.model = model
        self.kernel = kernel
        self.settings = settings
        self.seconds = seconds
        self.measure = measure
    }

    /// The curve, for a line of a curve.
    public var curve: ImputationCurve? { if case .curve(let c) = measure { c } else { nil } }
    /// The stages, for the line of the stages.
    public var stages: ImputationStages? { if case .stages(let s) = measure { s } else { nil } }

    private enum Kind: String, Codable { case curve, stages }
    private enum CodingKeys: String, CodingKey { case kind, model, kernel, settings, seconds }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        kernel = try c.decode(String.self, forKey: .kernel)
        settings = try c.decode(ImputationSettings.self, forKey: .settings)
        seconds = try c.decode(Double.self, forKey: .seconds)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .curve: measure = .curve(try ImputationCurve(from: decoder))
        case .stages: measure = .stages(try ImputationStages(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(settings, forKey: .settings)
        try c.encode(seconds, forKey: .seconds)
        switch measure {
        case .curve(let curve):
            try c.encode(Kind.curve, forKey: .kind)
            try curve.encode(to: encoder)
        case .stages(let stages):
            try c.encode(Kind.stages, forKey: .kind)
            try stages.encode(to: encoder)
        }
    }
}

/// A (mask, kernel) curve: the mask as requests name it, the pixels it hides, and a score
/// per step t = 0...T.
public struct ImputationCurve: Codable, Equatable {
    public var mask: String
    public var hiddenPixels: Int
    public var scores: [ImputationScore]

    public init(mask: String, hiddenPixels: Int, scores: [ImputationScore]) {
        self.mask = mask
        self.hiddenPixels = hiddenPixels
        self.scores = scores
    }
}

/// The stages against the fraction hidden: the fractions (random masks), the concept
/// tree's levels, stageCounts[fraction][stage - 1] over the inputs, and stages[input][fraction]
/// (nil where the input has no stage).
public struct ImputationStages: Codable, Equatable {
    public var fractions: [Float]
    public var levels: [String]
    public var stageCounts: [[Int]]
    public var stages: [[Int?]]

    public init(fractions: [Float], levels: [String], stageCounts: [[Int]], stages: [[Int?]]) {
        self.fractions = fractions
        self.levels = levels
        self.stageCounts = stageCounts
        self.stages = stages
    }
}

/// What every line of one results file shares.
public struct ImputationSettings: Codable, Equatable {
    /// curves: the first N test images, `trials` chains each, steps 0...`steps`.
    public var images: Int
    public var trials: Int
    public var steps: Int
    /// stages: the first `perClass` test images of each class, `stageTrials` chains of `stageSteps` steps.
    public var perClass: Int
    public var stageTrials: Int
    public var stageSteps: Int
    public var seed: UInt64

    public init(images: Int, trials: Int, steps: Int, perClass: Int, stageTrials: Int, stageSteps: Int, seed: UInt64) {
        self.images = images
        self.trials = trials
        self.steps = steps
        self.perClass = perClass
        self.stageTrials = stageTrials
        self.stageSteps = stageSteps
        self.seed = seed
    }
}

/// Everything `vaedyn impute` runs from, but how it is sharded and its report: what a shard
/// file's header carries.
public struct ImputationRunSettings: Codable, Equatable {
    public var model: String
    public var data: String
    public var masks: [String]
    public var kernels: [DynamicsParameters.Kernel]
    public var fractions: String
    public var stageKernel: DynamicsParameters.Kernel
    public var results: String
    public var shared: ImputationSettings

    public init(model: String, data: String, masks: [String], kernels: [DynamicsParameters.Kernel], fractions: String,
                stageKernel: DynamicsParameters.Kernel, results: String, shared: ImputationSettings) {
        self.model = model
        self.data = data
        self.masks = masks
        self.kernels = kernels
        self.fractions = fractions
        self.stageKernel = stageKernel
        self.results = results
        self.shared = shared
    }
}
