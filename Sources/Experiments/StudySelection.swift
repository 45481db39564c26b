/// The checkpoint that best shows the paper's picture, by a rule fixed before the grid was
/// run: the largest own-class share at the last step among the checkpoints whose test
/// negative ELBO is within `tolerance` nats of the grid's best (ties: the first measured).
public struct StudySelection {
    public static let tolerance = 5.0
    public static let rule = "the largest own-class share at the last step of the Fig 2b runs among the checkpoints whose test negative ELBO "
        + "is within \(Int(tolerance)) nats of the best of the grid"

    /// The checkpoint with the best test negative ELBO.
    public let best: StudyRecord
    public let candidates: [StudyRecord]
    public let chosen: StudyRecord

    public init?(_ records: [StudyRecord]) {
        guard let best = records.min(by: { $0.testNegativeELBO < $1.testNegativeELBO }) else { return nil }
        self.best = best
        candidates = records.filter { $0.testNegativeELBO <= best.testNegativeELBO + Self.tolerance }
        chosen = candidates.reduce(candidates[0]) { $1.finalOwnShare > $0.finalOwnShare ? $1 : $0 }
    }
}

extension StudyRecord {
    /// The own-class share at the last step of the Fig 2b runs.
    public var finalOwnShare: Float { ownShare[String(settings.steps)] ?? 0 }
}
