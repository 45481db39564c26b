import Dynamics

/// How a population of exemplar inputs is measured, as `vaedyn reproduce` measures it: Fig 2b
/// (replace noise, sampled x) and Fig 3 over a grid of ratios. The study and the reproduction
/// keep these fields flat in their older files; newer experiments (the ladder) carry this.
public struct PopulationMeasures: Codable, Equatable {
    /// The first N test images of each class.
    public var perClass: Int
    public var noise: Float
    public var trials: Int, steps: Int
    public var sweepTrials: Int, sweepSteps: Int
    public var grid: String
    /// Seed of every run.
    public var seed: UInt64

    public init(perClass: Int, noise: Float, trials: Int, steps: Int, sweepTrials: Int, sweepSteps: Int, grid: String, seed: UInt64) {
        self.perClass = perClass
        self.noise = noise
        self.trials = trials
        self.steps = steps
        self.sweepTrials = sweepTrials
        self.sweepSteps = sweepSteps
        self.grid = grid
        self.seed = seed
    }

    public func validate(testPerClass: Int) throws {
        guard perClass > 0, perClass <= testPerClass else { throw ExperimentError("--per-class must be in 1...\(testPerClass) (the test images of a class)") }
        guard trials > 0, steps > 0, sweepTrials > 0, sweepSteps > 0 else { throw ExperimentError("trials and steps must be positive") }
        guard (0...1).contains(noise) else { throw ExperimentError("--noise must be in [0, 1]") }
        _ = try ratios()
    }

    public func ratios() throws -> [Float] { try reporting("--grid") { try NoiseGrid.parse(grid) } }

    /// A Fig 2b run's parameters (`steps`, `trials`), or a Fig 3 point's (`sweepSteps`, `sweepTrials`).
    public func parameters(sweep: Bool) throws -> DynamicsParameters {
        var p = DynamicsParameters()
        p.seed = seed
        p.steps = sweep ? sweepSteps : steps
        p.trials = sweep ? sweepTrials : trials
        p.noise = try NoiseModel(kind: .replace, ratio: noise)
        return p
    }

    /// The command line's options for these measures.
    public var options: String {
        "--per-class \(perClass) --noise \(noise) --trials \(trials) --steps \(steps) --sweep-trials \(sweepTrials) --sweep-steps \(sweepSteps) --grid \(grid) --seed \(seed)"
    }
}
