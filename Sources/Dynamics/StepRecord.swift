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
    /// Per class: fraction of trials whose nearest training memory has that class (with parameters.memory).
    public var memoryShares: [Float]?
    /// Mean over trials of x(t), D pixels (with parameters.meanImage).
    public var meanImage: [Float]?
    /// Trials' states on the projection axes (with parameters.projection).
    public var projection: ProjectedStates?
}

public struct ProjectedStates: Codable, Sendable, Equatable {
    /// The trial-averaged state, [x, y].
    public var mean: [Float]
    /// One [x, y] a trial, in trial order.
    public var trials: [[Float]]
}
