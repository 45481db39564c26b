/// Last record of a run that did not fail.
public struct SummaryRecord: Codable, Sendable, Equatable {
    public var type = "summary"
    public var model: String
    /// True when every step (or sweep point) ran; false when the run was cancelled.
    public var done: Bool
    /// Steps t >= 1 run (dynamics) or point records emitted (sweep).
    public var completed: Int
    /// Dynamics: per reference, the minimum over the window of `distance`, and its step.
    public var minimum: [Float]?
    public var minimumStep: [Int]?
    /// Dynamics: the stage at the minima (see StageLadder).
    public var stage: Int?
    public var stageReference: String?
    public var stageLevel: String?
    /// Dynamics: the share of bootstrap resamples of the trials that give the same stage, and
    /// whether that share is at least 0.95 (`StageCall`); an undecided stage is a guess.
    public var stageSupport: Float?
    public var stageDecided: Bool?
    /// Dynamics with the input's class known: the step at which half the trials had left
    /// the class, with its 95 % interval (nil: after the last step).
    public var escape: EscapeTime?
    /// Sweep: per noise ratio, the number of inputs in each stage (index 0 = stage 1), one
    /// entry per level of the start record's `levels`: decided calls only (`PointRecord.stageDecided`).
    public var stageCounts: [[Int]]?
    /// Sweep: per noise ratio, the inputs whose stage is undecided.
    public var undecidedCounts: [Int]?
    /// Sweep: per input, the ratios where its decided stage changes (between neighbouring
    /// ratios both decided).
    public var stageChanges: [[StageChange]]?
}

/// Between ratio `after` and the next grid ratio `at`, the stage went from `from` to `to`.
public struct StageChange: Codable, Sendable, Equatable {
    public var after: Float
    public var at: Float
    public var from: Int
    public var to: Int
}
