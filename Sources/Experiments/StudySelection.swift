/// The checkpoint served as `mnist-paper`, by a rule stated before the grid was re-measured
/// with its controls (issue 26), tied to the paper's first claim and its network: among the
/// checkpoints of the paper's latent size, the one with the most inputs whose approach to
/// their class concept from t = 0 to 1 beats its same-norm control; ties broken by the most
/// inputs in stage II at some ratio with Bonferroni support, then by the lower test negative
/// ELBO. (The rule replaced "the largest own-class share at t = 50", which the paper does not
/// claim and which rewards a chain that mixes slowly.)
public struct StudySelection {
    /// The paper's network: 784-1024-100 (../shared/reference/PAPER.md).
    public static let latent = 100
    public static let rule = "among the checkpoints with the paper's \(latent) latent units, the most inputs whose approach to their class concept "
        + "from t = 0 to 1 beats its same-norm control by more than 2 SE (sampled x); ties: the most inputs in stage II at some ratio with "
        + "Bonferroni support, then the lower test negative ELBO"

    /// The checkpoint with the best test negative ELBO of the grid, for comparison.
    public let best: StudyRecord
    /// The checkpoints the rule chooses among: the paper's latent size, measured with the controls.
    public let candidates: [StudyRecord]
    public let chosen: StudyRecord

    /// Nil where no checkpoint of the paper's latent size was measured with the controls.
    public init?(_ records: [StudyRecord]) {
        candidates = records.filter { $0.latent == Self.latent && $0.controlled != nil }
        guard let best = records.min(by: { $0.testNegativeELBO < $1.testNegativeELBO }), !candidates.isEmpty else { return nil }
        self.best = best
        chosen = candidates.min { a, b in
            let x = a.controlled!, y = b.controlled!
            return (-x.approachAbove, -x.stageTwoFamilywise, a.testNegativeELBO) < (-y.approachAbove, -y.stageTwoFamilywise, b.testNegativeELBO)
        }!
    }

    /// The chosen checkpoint shows the paper's first claim beyond its control for at least half its inputs.
    public var showsFastApproach: Bool { 2 * chosen.controlled!.approachAbove >= 1 }
}

extension StudyRecord {
    /// The own-class share at the last step of the Fig 2b runs.
    public var finalOwnShare: Float { ownShare[String(settings.steps)] ?? 0 }
}
