/// The references that define the stages for one input: its own pattern, then its class
/// concept and the class's ancestors up to the root ("self", "class-6", a group, "all").
/// The stage of a minimum-distance profile is the level of the nearest rung, counted from 1:
/// 1 = item (self), 2 = class, then the group levels, and the model's `levels.count` = the
/// root. For the paper's two-level tree that is 1 = I, 2 = II, 3 = III. A class that skips
/// a level (attached to a higher group or to the root) has no rung there, so its stages
/// skip that number too.
public struct StageLadder: Sendable, Equatable {
    /// Reference indices, from the most specific to the most abstract.
    public let rungs: [Int]
    /// The index in `levels` of each rung's level.
    public let rungLevels: [Int]
    /// The model's levels, "item" first (`DynamicsModel.levels`).
    public let levels: [String]

    /// Nil when the input's class (or its own pattern) is unknown.
    public init?(model: DynamicsModel, references: ReferenceSet, label: Int?) {
        guard let label, let selfIndex = references.index(of: ReferenceSet.selfID), let concept = model.classConcept(label: label) else {
            return nil
        }
        let levels = model.levels
        let rungs = [selfIndex] + model.ancestry(of: concept).compactMap { references.index(of: model.concepts[$0].id) }
        // A model's bundle is validated: every concept's level is one of the tree's.
        rungLevels = rungs.map { levels.firstIndex(of: references.infos[$0].level)! }
        self.rungs = rungs
        self.levels = levels
    }

    /// The stage given a distance per reference; the more specific rung wins a tie.
    public func stage(_ distances: [Float]) -> (stage: Int, reference: Int, level: String) {
        var best = 0
        for k in 1..<rungs.count where distances[rungs[k]] < distances[rungs[best]] { best = k }
        return (rungLevels[best] + 1, rungs[best], levels[rungLevels[best]])
    }

    /// The stage of `minimum` with its support among `resampled` minima (`ResampledMinima`):
    /// decided when the same rung is nearest in at least `confidence` of the resamples.
    /// Without resamples (aggregation "state") or with one trial, nothing measures the
    /// uncertainty and the call is undecided.
    public func call(_ minimum: [Float], resampled: [[Float]]?, trials: Int, confidence: Float = StageCall.confidence) -> StageCall {
        let point = stage(minimum)
        guard let resampled, !resampled.isEmpty, trials > 1 else {
            return StageCall(stage: point.stage, reference: point.reference, level: point.level, support: nil, decided: false)
        }
        let agree = resampled.filter { stage($0).reference == point.reference }.count
        let support = Float(agree) / Float(resampled.count)
        return StageCall(stage: point.stage, reference: point.reference, level: point.level, support: support, decided: support >= confidence)
    }
}

/// A stage with its uncertainty.
public struct StageCall: Sendable, Equatable {
    /// The share of resamples that must agree for a call to be decided: a one-sided 95 %.
    public static let confidence: Float = 0.95

    public var stage: Int
    public var reference: Int
    public var level: String
    /// The share of the bootstrap resamples whose nearest rung is `reference`.
    public var support: Float?
    public var decided: Bool
}
