import ArgumentParser
import Foundation
import VAE

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a model on its dataset's test set: negative ELBO and importance-sampled negative log-likelihood, in nats.")

    @Argument(help: "Model file (.vaem).") var model: String
    @Option(help: "Folder with the test IDX files (default: where the fetch script of the model's dataset puts them).") var data: String?
    @Option(name: .customLong("samples"), help: "Importance samples per image for the NLL (0 skips it).") var samples = 1000
    @Option(help: "Evaluate only the first N test images.") var limit: Int?
    @Flag(help: "Store the figures in the model file.") var save = false

    func validate() throws {
        guard samples >= 0, samples <= 100_000 else { throw ValidationError("--samples must be in 0...100000") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        var bundle = try reporting(model) { try ModelBundle(contentsOf: url) }
        let folder = data ?? (Dataset.named(bundle.description.dataset) ?? .mnist).folder
        var test = try reporting("test data") { try ImageSet(folder: URL(fileURLWithPath: folder), prefix: "t10k") }
        if let limit { test = test.subset(Array(0..<min(limit, test.count))) }
        let seed = Trainer.testBinarisationSeed
        let images = Binarizer().binarize(test, seed: seed)
        let evaluator = Evaluator(network: Network(parameters: bundle.parameters, frozen: true))
        let progress = Progress()
        progress.line("\(bundle.description.id): \(bundle.architecture), \(test.count) test images binarised with seed \(seed)")

        let start = Date()
        let elbo = evaluator.negativeELBO(images: images, count: test.count, seed: seed)
        print(String(format: "test negative ELBO: %.3f nats (one sample per image, seed %llu)", elbo, seed))
        let means = evaluator.encoderMeans(images: images.view, count: test.count)
        let active = Evaluator.activeUnits(means: means, latent: bundle.architecture.latentSize)
        print("active latent units: \(active) of \(bundle.architecture.latentSize) (variance of the encoder mean > 0.01)")
        var nll = Double.nan
        if samples > 0 {
            let t0 = Date()
            nll = evaluator.negativeLogLikelihood(images: images, count: test.count, samples: samples, seed: seed) { done in
                let rate = Double(done) / max(Date().timeIntervalSince(t0), 1e-9)
                progress.update(String(format: "IS-NLL %d/%d images  %.0f img/s  ETA %@", done, test.count, rate,
                                       formatDuration(Double(test.count - done) / rate)),
                                fraction: Double(done) / Double(test.count))
            }
            progress.clear()
            print(String(format: "test negative log-likelihood: %.3f nats (importance sampling, k = %d)", nll, samples))
        }
        progress.line(String(format: "evaluated in %.1f s", Date().timeIntervalSince(start)))
        if save {
            bundle.description.metrics = ModelMetrics(testImages: test.count, evaluationSeed: seed, negativeELBO: elbo,
                                                      importanceSamples: samples, negativeLogLikelihood: nll, activeUnits: active,
                                                      fixtureNegativeELBO: evaluator.negativeELBO(images: images, count: min(100, test.count), seed: seed))
            try reporting("writing \(model)") { try bundle.write(to: url) }
            progress.line("stored the figures in \(model)")
        }
    }
}
