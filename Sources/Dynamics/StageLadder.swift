/// The references that define the paper's stages for one input: its own pattern, then
/// its class concept and the class's ancestors up to the root ("self", "class-6", "all").
/// Stage k (1-based) means the k-th rung is the nearest at the minimum: 1 = I (self),
/// 2 = II (class), 3 = III (all). A deeper concept tree simply adds rungs.
public struct StageLadder: Sendable, Equatable {
    /// Reference indices, from the most specific to the most abstract.
    public let rungs: [Int]

    /// Nil when the input's class (or its own pattern) is unknown.
    public init?(model: DynamicsModel, references: ReferenceSet, label: Int?) {
        guard let label, let selfIndex = references.index(of: ReferenceSet.selfID), let concept = model.classConcept(label: label) else {
            return nil
        }
        rungs = [selfIndex] + model.ancestry(of: concept).compactMap { references.index(of: model.concepts[$0].id) }
    }

    /// The stage given a distance per reference; the more specific rung wins a tie.
    public func stage(_ distances: [Float]) -> (stage: Int, reference: Int) {
        var best = 0
        for k in 1..<rungs.count where distances[rungs[k]] < distances[rungs[best]] { best = k }
        return (best + 1, rungs[best])
    }
}
