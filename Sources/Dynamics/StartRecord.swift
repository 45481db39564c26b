/// First record of a run: what was asked, on which model, against which references.
public struct StartRecord: Codable, Sendable, Equatable {
    public var type = "start"
    public var model: String
    /// "dynamics" (one input, step records follow) or "sweep" (inputs x noise ratios, point records follow).
    public var experiment: String
    /// The chain kind: "gibbs", "clamped" or "mwg" (parameters.kernel).
    public var kernel: String
    /// How many pixels parameters.mask hides (imputation kernels only).
    public var hiddenPixels: Int?
    public var latentSize: Int
    public var parameters: DynamicsParameters
    /// Noise ratios of a sweep, in the order of its point records; the kind is parameters.noise.kind.
    public var noiseRatios: [Float]?
    public var inputs: [InputInfo]
    /// The order of every per-reference array in later records.
    public var references: [ReferenceInfo]
    /// Per reference, in the same order: its control point (`ControlSet`), whose distances
    /// step records give in `controlDistance`.
    public var controls: [ControlInfo]
    /// The latent units the controls' directions lie in: the model's active units
    /// (every unit for a model file without them).
    public var controlUnits: [Int]
    /// Ids of the class-level concepts: the order of `classShares`.
    public var classReferences: [String]
    /// Model class names: the order of `memoryShares`.
    public var classNames: [String]
    /// The concept tree's levels, "item" (self) first, the root's last: stage k is level k - 1.
    public var levels: [String]
    /// Each reference on the two projection axes (with parameters.projection).
    public var projectedReferences: [[Float]]?
}
