import Dynamics

/// For each input, the distances from its clean code (xi_self) to its class concept and
/// to the root concept: stage II needs the first to be clearly the smaller.
public struct CleanGeometry {
    public let toClass: [Float]
    public let toAll: [Float]
    /// The clean inputs' codes (xi_self), one row of the latent size each.
    public let codes: [Float]

    public init(model: DynamicsModel, inputs: [DynamicsInput]) {
        var toClass: [Float] = [], toAll: [Float] = [], codes: [Float] = []
        for input in inputs {
            let references = ReferenceSet(model: model, input: input)
            let ladder = StageLadder(model: model, references: references, label: input.label)!
            let z = references.latentSize
            func distance(_ a: Int, _ b: Int) -> Float {
                (0..<z).reduce(Float(0)) { $0 + (references.vectors[a * z + $1] - references.vectors[b * z + $1]) * (references.vectors[a * z + $1] - references.vectors[b * z + $1]) }.squareRoot()
            }
            codes += references.vectors[ladder.rungs[0] * z ..< (ladder.rungs[0] + 1) * z]
            toClass.append(distance(ladder.rungs[0], ladder.rungs[1]))
            toAll.append(distance(ladder.rungs[0], ladder.rungs.last!))
        }
        self.toClass = toClass
        self.toAll = toAll
        self.codes = codes
    }

    /// The two distances are within 10 % of each other.
    public func isClose(_ i: Int) -> Bool { abs(toClass[i] - toAll[i]) <= 0.1 * max(toClass[i], toAll[i]) }

    public var closeCount: Int { toClass.indices.filter(isClose).count }
    public var meanToClass: Float { toClass.reduce(0, +) / Float(max(toClass.count, 1)) }
    public var meanToAll: Float { toAll.reduce(0, +) / Float(max(toAll.count, 1)) }

    /// Inputs of the group (close or not) that reach stage II somewhere in the sweep.
    public func stageTwo(in sweep: PopulationSweep, close: Bool) -> Int {
        sweep.stages.indices.filter { isClose($0) == close && sweep.stages[$0].contains(2) }.count
    }
}
