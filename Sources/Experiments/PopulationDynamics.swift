import Dynamics
import Foundation
import VAE

/// Fig 2b over a population: every input's dynamics run reduced to the numbers the
/// paper's claims are about, measured against the input's own class concept.
public struct PopulationDynamics {
    public struct InputResult: Codable {
        public var approachesEveryClass: Bool
        public var start: Float, first: Float, minimum: Float, last: Float
        public var minimumStep: Int
        /// The minimum comes at 1 <= t <= 10 and the last distance exceeds it by more than 2 standard errors.
        public var passesBy: Bool
        public var ownShare: [Int: Float]
        public var finalShares: [Float]
        /// The distance to the own class concept at t = 0...steps.
        public var ownDistance: [Float]
        /// The controls (`ControlSet`) at t = 0...steps: the mean state norm, the distance to
        /// the own class concept's control, and the approach to the own class concept
        /// beyond that control since t = 0 (paired over trials).
        public var norm: [Float]
        public var ownControlDistance: [Float]
        public var ownApproach: [Estimate]
        /// The own class concept's contrast with the other class concepts: its change from t = 0 to t = 1.
        public var ownContrastGain: Estimate
        /// The distance to the root concept ("all") at t = 0...steps.
        public var rootDistance: [Float]
        /// The step by which half the trials had left the input's class (`Retention`); absent
        /// in results computed before it existed.
        public var escape: EscapeTime?
        /// The distance to the nearest training memory at t = 0...steps, over the trials, at
        /// the steps of `PopulationDynamics.memorySteps` (nil at the others; the whole list
        /// nil when the run had no memory bank).
        public var memoryDistance: [Estimate?]?

        /// "Then moves close to a memory": the distance to the nearest training memory is
        /// smaller at the last step than at t = 1 by more than 2 SE of the difference (the two
        /// steps' errors combined as if independent: conservative). Nil without a memory bank.
        public var movesToMemory: Bool? {
            guard let m = memoryDistance, m.count > 2, let a = m[1], let b = m[m.count - 1] else { return nil }
            return a.mean - b.mean > 2 * (a.standardError * a.standardError + b.standardError * b.standardError).squareRoot()
        }

        /// The approach beyond the control at t = 1: above 2 SE, below -2 SE, or neither.
        public var firstApproach: Comparison { Comparison(ownApproach[1]) }

        /// The approach beyond the control is largest at some 1 <= t <= 10, and falls from
        /// there by more than 2 standard errors of the difference by the last step (the two
        /// steps' errors combined as if independent: conservative, as they share trials).
        public var departsBeyondControl: Bool {
            let window = 1...min(10, ownApproach.count - 1)
            guard let peak = window.max(by: { ownApproach[$0].mean < ownApproach[$1].mean }) else { return false }
            let a = ownApproach[peak], b = ownApproach[ownApproach.count - 1]
            return a.isPositive && a.mean - b.mean > 2 * (a.standardError * a.standardError + b.standardError * b.standardError).squareRoot()
        }
    }

    /// How an estimate stands against zero: the verdicts of a claim with its control.
    public enum Comparison: Equatable {
        case above, below, indistinguishable

        public init(_ e: Estimate) {
            self = e.isPositive ? .above : e.mean < -2 * e.standardError ? .below : .indistinguishable
        }
    }

    public static let shareSteps = [1, 10]

    /// The steps at which a run with a memory bank searches the nearest memories: t = 0, 1,
    /// every tenth and the last (the search costs more than the chain on large models).
    public static func memorySteps(_ steps: Int) -> Set<Int> { Set([0, min(1, steps), steps] + stride(from: 0, through: steps, by: 10)) }
    /// A model of one class has no other class concept to contrast with: no gain, and no error.
    static let noContrast = Estimate(mean: 0, standardError: 0)

    public let inputs: [InputResult]
    public let steps: Int

    /// The population of results computed elsewhere (the shards of a run, `vaedyn merge`).
    public init(inputs: [InputResult], steps: Int) {
        self.inputs = inputs
        self.steps = steps
    }

    /// Runs `parameters` (aggregated over trials: the controls are per trial) with the
    /// contrasts on, from each input; with `memory`, the nearest training memories too.
    public init(model: DynamicsModel, inputs: [DynamicsInput], parameters: DynamicsParameters, memory: MemoryBank? = nil,
                isCancelled: () -> Bool, progress: (Int) -> Void) throws {
        guard parameters.aggregation == .trials else { throw ExperimentError("Fig 2b's measures are means over trials (aggregate trials)") }
        var parameters = parameters
        parameters.contrast = true
        parameters.memory = memory != nil
        var results: [InputResult] = []
        for input in inputs {
            let run = try DynamicsRun(model: model, input: input, parameters: parameters, memory: memory, memorySteps: Self.memorySteps(parameters.steps))
            var steps: [StepRecord] = []
            let last = run.run(isCancelled: isCancelled) { if case .step(let s) = $0 { steps.append(s) } }
            guard case .summary(let summary) = last, summary.done else { throw ExperimentError("stopped before the end of the Fig 2b runs") }
            let own = model.classConcept(label: input.label!)!
            let root = model.concepts.indices.first { model.concepts[$0].parent == nil }!
            let classes = model.classConcepts
            let d = steps.map { $0.distance[own] }
            let m = d.indices.min { d[$0] < d[$1] }!
            let finalError = steps.last!.standardError?[own] ?? 0
            var shares: [Int: Float] = [:]
            for t in Self.shareSteps + [parameters.steps] where t < steps.count { shares[t] = steps[t].classShares[classes.firstIndex(of: own)!] }
            results.append(InputResult(
                approachesEveryClass: classes.allSatisfy { steps[1].distance[$0] < steps[0].distance[$0] },
                start: d[0], first: d[1], minimum: d[m], last: d.last!, minimumStep: m,
                passesBy: (1...10).contains(m) && d.last! - d[m] > 2 * finalError, ownShare: shares, finalShares: steps.last!.classShares,
                ownDistance: d, norm: steps.map(\.norm.mean), ownControlDistance: steps.map { $0.controlDistance[own] },
                ownApproach: steps.map { $0.approach![own] }, ownContrastGain: (steps[1].contrastChange?[own] ?? nil) ?? Self.noContrast, rootDistance: steps.map { $0.distance[root] },
                escape: summary.escape, memoryDistance: memory.map { _ in steps.map(\.memoryDistance) }))
            progress(results.count)
        }
        self.inputs = results
        steps = parameters.steps
    }

    public func count(_ predicate: (InputResult) -> Bool) -> Int { inputs.filter(predicate).count }

    public func mean(_ value: (InputResult) -> Float) -> Float { inputs.map(value).reduce(0, +) / Float(max(inputs.count, 1)) }

    public var medianMinimumStep: Int { inputs.map(\.minimumStep).sorted()[inputs.count / 2] }

    /// Mean over inputs of the distance to the own class concept at t = 0...steps.
    public var meanOwnDistance: [Float] { (0...steps).map { t in mean { $0.ownDistance[t] } } }

    /// Mean over inputs of the share of trials nearest each class concept at the last step.
    public var finalShares: [Float] {
        let n = inputs.first?.finalShares.count ?? 0
        return (0..<n).map { k in mean { $0.finalShares[k] } }
    }
}
