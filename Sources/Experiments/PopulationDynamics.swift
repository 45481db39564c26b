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
    }

    public static let shareSteps = [1, 10]

    public let inputs: [InputResult]
    public let steps: Int

    /// The population of results computed elsewhere (the shards of a run, `vaedyn merge`).
    public init(inputs: [InputResult], steps: Int) {
        self.inputs = inputs
        self.steps = steps
    }

    public init(model: DynamicsModel, inputs: [DynamicsInput], parameters: DynamicsParameters, isCancelled: () -> Bool, progress: (Int) -> Void) throws {
        var results: [InputResult] = []
        for input in inputs {
            let run = try DynamicsRun(model: model, input: input, parameters: parameters)
            var steps: [StepRecord] = []
            let last = run.run(isCancelled: isCancelled) { if case .step(let s) = $0 { steps.append(s) } }
            guard case .summary(let summary) = last, summary.done else { throw ExperimentError("stopped before the end of the Fig 2b runs") }
            let own = model.classConcept(label: input.label!)!
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
                ownDistance: d))
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
