import Dynamics

/// Fig 3 over a population: the stage of every input at every noise ratio.
struct PopulationSweep {
    let ratios: [Float]
    /// stages[input][ratio], nil where the input has no stage.
    let stages: [[Int?]]
    let stageCounts: [[Int]]

    init(model: DynamicsModel, inputs: [DynamicsInput], ratios: [Float], parameters: DynamicsParameters,
         isCancelled: () -> Bool, progress: (Int) -> Void) throws {
        var stages = [[Int?]](repeating: [], count: inputs.count)
        let last = try SweepRun(model: model, inputs: inputs, ratios: ratios, parameters: parameters)
            .run(isCancelled: isCancelled, progress: progress) { if case .point(let p) = $0 { stages[p.input].append(p.stage) } }
        guard case .summary(let summary) = last, summary.done, let counts = summary.stageCounts else {
            throw CLIError("the sweep stopped before the end")
        }
        self.ratios = ratios
        self.stages = stages
        stageCounts = counts.map { $0 + [Int](repeating: 0, count: max(0, 3 - $0.count)) }
    }

    func inputs(where predicate: ([Int?]) -> Bool) -> Int { stages.filter(predicate).count }

    /// Inputs that are in stage `stage` at the ratio with index `k`.
    func count(stage: Int, at k: Int) -> Int { stageCounts[k][stage - 1] }

    /// Inputs in stage II at some ratio.
    var everStageTwo: Int { inputs { $0.contains(2) } }

    /// Inputs whose stages never go back down as the noise grows (I, II, III in order).
    var monotone: Int {
        inputs { row in
            let s = row.compactMap { $0 }
            return zip(s, s.dropFirst()).allSatisfy { $0 <= $1 }
        }
    }

    /// Mean over the inputs that have one of the width of their stage II band, in grid points.
    var meanStageTwoWidth: Double {
        let widths = stages.map { $0.filter { $0 == 2 }.count }.filter { $0 > 0 }
        return widths.isEmpty ? 0 : Double(widths.reduce(0, +)) / Double(widths.count)
    }
}
