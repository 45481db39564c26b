/// The statistics over trials of one step t of a dynamics run.
public struct StepRecord: Codable, Sendable, Equatable {
    public var type = "step"
    public var model: String
    public var t: Int
    /// Per reference: the mean over trials of the distance (aggregation "trials"), or the
    /// distance of the trial-averaged state (aggregation "state").
    public var distance: [Float]
    /// Per reference: standard error of that mean; absent for aggregation "state".
    public var standardError: [Float]?
    /// Id of the reference with the smallest `distance`.
    public var nearest: String
    /// Per class-level concept: fraction of trials whose nearest class concept it is.
    public var classShares: [Float]
    /// |mu(t)| (|z(t)| with measure "sample") over the trials: the norm whose change moves
    /// every distance at once.
    public var norm: Estimate
    /// Per reference: the distance to its control point (the start record's `controls`: the
    /// same norm, a meaningless direction), aggregated as `distance` is; and its SE.
    public var controlDistance: [Float]
    public var controlStandardError: [Float]?
    /// Per reference (aggregation "trials"): how much nearer the trials came to the reference
    /// than to its control since t = 0, (d(0) - d(t)) - (c(0) - c(t)) paired over trials.
    /// Positive beyond 2 SE: an approach the state's norm does not explain.
    public var approach: [Estimate]?
    /// Per reference with others at its level (parameters.contrast): the mean distance to
    /// those others minus the distance to it, and its change since t = 0; null for the rest.
    public var contrast: [Estimate?]?
    public var contrastChange: [Estimate?]?
    /// With the input's class known: the share of trials whose nearest class concept has been
    /// the input's own at every step 0...t (the survival curve of `Retention`).
    public var retention: Float?
    /// Per class: fraction of trials whose nearest training memory has that class (with parameters.memory).
    public var memoryShares: [Float]?
    /// The distance to the nearest training memory, over the trials (with parameters.memory).
    public var memoryDistance: Estimate?
    /// Mean over trials of x(t), D pixels (with parameters.meanImage).
    public var meanImage: [Float]?
    /// Trials' states on the projection axes (with parameters.projection).
    public var projection: ProjectedStates?
    /// Kernel mwg, t >= 1: the share of the trials whose proposed z this step accepted.
    public var acceptance: Float?
    /// Imputation kernels: how well the hidden pixels are filled in at t.
    public var imputation: ImputationReading?
}

/// The hidden pixels of the trials at step t against the input's own (the truth).
public struct ImputationReading: Codable, Sendable, Equatable {
    /// Mean absolute difference between p(x_i = 1 | z(t)) and the input's grey level byte/255.
    public var error: Float
    /// Share of the hidden pixels of x(t) equal to the input binarised at 1/2 (byte >= 128).
    public var accuracy: Float
}

public struct ProjectedStates: Codable, Sendable, Equatable {
    /// The trial-averaged state, [x, y].
    public var mean: [Float]
    /// One [x, y] a trial, in trial order.
    public var trials: [[Float]]
}
