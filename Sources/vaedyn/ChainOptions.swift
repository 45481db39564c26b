import ArgumentParser
import Dynamics

/// How the chains run and what is measured, shared by dynamics, sweep and reproduce. Each
/// option is named as its parameter in RunParameter.all and defaults to DynamicsParameters'
/// own value (ServiceTests checks both against the built binary).
struct ChainOptions: ParsableArguments {
    private static let defaults = DynamicsParameters()

    @Option(help: "Steps T (t = 0...T).") var steps = defaults.steps
    @Option(help: "Trials (chains) of the same input.") var trials = defaults.trials
    @Option(help: "Seed; trial i draws from stream (seed, i).") var seed = defaults.seed
    @Option(help: "x(t+1): sample (Bernoulli) or mean (pixel probabilities).") var x = defaults.image.rawValue
    @Option(help: "z(t+1): sample or mean (encoder mean).") var z = defaults.latent.rawValue
    @Option(help: "Latent quantity measured: mean (encoder mean mu(t)) or sample (z(t)).") var measure = defaults.measure.rawValue
    @Option(help: "Distance: euclidean or cosine.") var metric = defaults.metric.rawValue
    @Option(help: "trials (mean of per-trial distances) or state (distance of the trial-averaged state).") var aggregate = defaults.aggregation.rawValue
    @Option(help: "Steps FROM:TO over which minima are taken (default: all).") var window: String?
    @Flag(inversion: .prefixedNo, help: "Binarise the input (each pixel 1 with probability byte/255); --no-binarize feeds grey levels.")
    var binarize = defaults.binarize

    func parameters() throws -> DynamicsParameters {
        var p = DynamicsParameters()
        p.steps = steps
        p.trials = trials
        p.seed = seed
        p.image = try choice(x, "--x")
        p.latent = try choice(z, "--z")
        p.measure = try choice(measure, "--measure")
        p.metric = try choice(metric, "--metric")
        p.aggregation = try choice(aggregate, "--aggregate")
        p.window = try window.map { text in try reporting("--window") { try StepWindow(parsing: text) } }
        p.binarize = binarize
        return p
    }

    private func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ option: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw ValidationError("\(option) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }
}
