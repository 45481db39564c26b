import Dynamics

/// Fig 3 over a population: the stage of every input at every noise ratio.
public struct PopulationSweep {
    /// One input's stage at one ratio: the stage when the call is decided (`StageCall`),
    /// and the call's bootstrap support (nil where nothing measured it).
    public struct Call: Codable, Equatable {
        public var stage: Int?
        public var support: Float?

        public init(stage: Int?, support: Float?) {
            self.stage = stage
            self.support = support
        }
    }

    public let ratios: [Float]
    /// The concept tree's levels, "item" first: stage k is levels[k - 1].
    public let levels: [String]
    /// calls[input][ratio].
    public private(set) var calls: [[Call]]
    /// stages[input][ratio]: the decided stage (`StageCall`), nil where the stage is
    /// undecided (or the input has no class).
    public var stages: [[Int?]] { calls.map { $0.map(\.stage) } }
    /// stageCounts[ratio][stage - 1], one entry per level: decided calls.
    public let stageCounts: [[Int]]
    /// Per ratio, the inputs without a decided stage.
    public var undecidedCounts: [Int] { ratios.indices.map { k in stages.filter { $0[k] == nil }.count } }

    public init(model: DynamicsModel, inputs: [DynamicsInput], ratios: [Float], parameters: DynamicsParameters,
         isCancelled: () -> Bool, progress: (Int) -> Void) throws {
        var calls = [[Call]](repeating: [], count: inputs.count)
        let last = try SweepRun(model: model, inputs: inputs, ratios: ratios, parameters: parameters)
            .run(isCancelled: isCancelled, progress: progress) {
                if case .point(let p) = $0 { calls[p.input].append(Call(stage: p.stageDecided == true ? p.stage : nil, support: p.stageSupport)) }
            }
        guard case .summary(let summary) = last, summary.done, let counts = summary.stageCounts else {
            throw ExperimentError("the sweep stopped before the end")
        }
        self.ratios = ratios
        levels = model.levels
        self.calls = calls
        stageCounts = counts
    }

    /// From calls kept elsewhere (a shard's results).
    public init(ratios: [Float], levels: [String], calls: [[Call]]) {
        self.init(ratios: ratios, levels: levels, stages: calls.map { $0.map(\.stage) })
        self.calls = calls
    }

    /// The same measures over another axis than the noise (the fraction hidden, in `vaedyn
    /// impute`), from decided stages (nil: undecided).
    public init(ratios: [Float], levels: [String], stages: [[Int?]]) {
        self.ratios = ratios
        self.levels = levels
        calls = stages.map { $0.map { Call(stage: $0, support: nil) } }
        stageCounts = ratios.indices.map { k in
            levels.indices.map { level in stages.filter { $0[k] == level + 1 }.count }
        }
    }

    public func inputs(where predicate: ([Int?]) -> Bool) -> Int { stages.filter(predicate).count }

    /// Inputs that are in stage `stage` at the ratio with index `k`.
    public func count(stage: Int, at k: Int) -> Int { stageCounts[k][stage - 1] }

    /// The root's stage: III in the paper's tree.
    public var rootStage: Int { levels.count }

    /// The stages of the group levels, between class (2) and the root.
    public var groupStages: Range<Int> { 3..<rootStage }

    /// Inputs in stage II at some ratio.
    public var everStageTwo: Int { inputs { $0.contains(2) } }

    /// Inputs in stage II at some ratio with a support that survives taking the best of all
    /// the ratios: at least 1 - 0.05 / ratios (Bonferroni), so that an input with no stage
    /// II anywhere shows one by chance at most 5 % of the time. Calls without a support
    /// (none measured) do not count.
    public var everStageTwoFamilywise: Int { everStageFamilywise(2) }

    /// The same for any stage: inputs in `stage` at some ratio with Bonferroni support.
    public func everStageFamilywise(_ stage: Int) -> Int {
        let needed = 1 - (1 - StageCall.confidence) / Float(max(ratios.count, 1))
        return calls.filter { row in row.contains { $0.stage == stage && ($0.support ?? 0) >= needed } }.count
    }

    /// Inputs whose stages never go back down as the noise grows (I, II, III in order).
    public var monotone: Int {
        inputs { row in
            let s = row.compactMap { $0 }
            return zip(s, s.dropFirst()).allSatisfy { $0 <= $1 }
        }
    }

    /// Mean over the inputs that have one of the width of their stage II band, in grid points.
    public var meanStageTwoWidth: Double {
        let widths = stages.map { $0.filter { $0 == 2 }.count }.filter { $0 > 0 }
        return widths.isEmpty ? 0 : Double(widths.reduce(0, +)) / Double(widths.count)
    }

    /// The mean stage over the inputs that have one, at the ratio with index `k`.
    public func meanStage(at k: Int) -> Double {
        let n = stageCounts[k].reduce(0, +)
        return n == 0 ? .nan : Double(stageCounts[k].enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }) / Double(n)
    }

    /// Indices k of the ratios where the mean stage is lower than at ratio k - 1.
    public var meanStageFalls: [Int] {
        let means = ratios.indices.map(meanStage)
        return ratios.indices.dropFirst().filter { means[$0] < means[$0 - 1] }
    }

    /// Inputs at a group level's stage at some ratio (`stage`: that level only).
    public func everAtGroup(stage: Int? = nil) -> Int {
        let wanted = stage.map { $0..<($0 + 1) } ?? groupStages
        return inputs { row in row.contains { $0.map(wanted.contains) ?? false } }
    }

    /// Inputs at a group level at some ratio with item or class at a smaller ratio and, when
    /// `thenRoot`, the root at a larger one: a group stage between class and all as the noise grows.
    public func groupAfterClass(thenRoot: Bool) -> Int {
        inputs { row in
            row.indices.contains { k in
                guard let s = row[k], groupStages.contains(s) else { return false }
                return row[..<k].contains { ($0 ?? rootStage) <= 2 } && (!thenRoot || row[(k + 1)...].contains(rootStage))
            }
        }
    }
}
