import ArgumentParser
import Dynamics

/// How the chains run and what is measured, shared by dynamics, sweep and reproduce.
struct ChainOptions: ParsableArguments {
    @Option(help: "Steps T (t = 0...T).") var steps = 100
    @Option(help: "Trials (chains) of the same input.") var trials = 500
    @Option(help: "Seed; trial i draws from stream (seed, i).") var seed: UInt64 = 1
    @Option(name: .customLong("x"), help: "x(t+1): sample (Bernoulli) or mean (pixel probabilities).") var image = "sample"
    @Option(name: .customLong("z"), help: "z(t+1): sample or mean (encoder mean).") var latent = "sample"
    @Option(help: "Latent quantity measured: mean (encoder mean mu(t)) or sample (z(t)).") var measure = "mean"
    @Option(help: "Distance: euclidean or cosine.") var metric = "euclidean"
    @Option(help: "trials (mean of per-trial distances) or state (distance of the trial-averaged state).") var aggregate = "trials"
    @Option(help: "Steps FROM:TO over which minima are taken (default: all).") var window: String?
    @Flag(name: .customLong("no-binarize"), help: "Feed grey levels instead of a binarised input.") var noBinarize = false

    func parameters() throws -> DynamicsParameters {
        var p = DynamicsParameters()
        p.steps = steps
        p.trials = trials
        p.seed = seed
        p.image = try choice(image, "--x")
        p.latent = try choice(latent, "--z")
        p.measure = try choice(measure, "--measure")
        p.metric = try choice(metric, "--metric")
        p.aggregation = try choice(aggregate, "--aggregate")
        p.window = try window.map { text in try reporting("--window") { try StepWindow(parsing: text) } }
        p.binarize = !noBinarize
        return p
    }

    private func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ option: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw ValidationError("\(option) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }
}
