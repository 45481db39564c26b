import Experiments
import ArgumentParser
import Dynamics
import Foundation
import Imaging

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
    @Option(help: "The chain: gibbs (the paper's), clamped (pseudo-Gibbs imputation) or mwg (exact imputation; docs/kernels.md).")
    var kernel = defaults.kernel.rawValue
    @Option(help: ArgumentHelp("Hidden pixels of an imputation chain: top-half, bottom-half, left-half, right-half, random:F[:SEED], square:X,Y,W,H, "
                               + "indices I,J,..., or a PNG/PGM file of the model's size, white where hidden.", valueName: "mask"))
    var mask: String?
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
        p.kernel = try choice(kernel, "--kernel")
        p.mask = try mask.map { text in try reporting("--mask") { try Self.maskForm(text) } }
        if let rule = p.kernelRule { throw ValidationError("--\(rule.parameter) \(rule.message)") }
        p.measure = try choice(measure, "--measure")
        p.metric = try choice(metric, "--metric")
        p.aggregation = try choice(aggregate, "--aggregate")
        p.window = try window.map { text in try reporting("--window") { try StepWindow(parsing: text) } }
        p.binarize = binarize
        return p
    }

    /// A file if one is there, else a list of indices if it is one, else a mask name (the
    /// run checks names and indices against the model).
    static func maskForm(_ text: String) throws -> ImputationMask.Form {
        if FileManager.default.fileExists(atPath: text) {
            let image = try DigitImage.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: text))))
            return .indices(image.pixels.indices.filter { image.pixels[$0] >= 0.5 })
        }
        let parts = text.split(separator: ",")
        if !parts.isEmpty, parts.allSatisfy({ Int($0) != nil }) { return .indices(parts.map { Int($0)! }) }
        return .named(text)
    }

    private func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ option: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw ValidationError("\(option) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }
}
