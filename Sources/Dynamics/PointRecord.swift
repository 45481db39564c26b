/// One input at one noise ratio of a sweep: the minimum over the window of each
/// reference's distance, and the stage that follows.
public struct PointRecord: Codable, Sendable, Equatable {
    public var type = "point"
    public var model: String
    /// Index into the start record's `inputs`.
    public var input: Int
    public var ratio: Float
    /// Per reference: the minimum over the window of `distance`.
    public var minimum: [Float]
    /// Per reference: the step of that minimum (the first, on ties).
    public var minimumStep: [Int]
    /// The stage (see StageLadder), nil if the input's class is unknown.
    public var stage: Int?
    /// Id of the reference that decides the stage.
    public var stageReference: String?
    /// The stage's level in the concept tree ("item", "class", a group level, "all"): the
    /// start record's `levels[stage - 1]`.
    public var stageLevel: String?
    /// The share of bootstrap resamples of the trials that give the same stage, and whether it
    /// reaches 0.95 (`StageCall`); absent with the stage.
    public var stageSupport: Float?
    public var stageDecided: Bool?
}
