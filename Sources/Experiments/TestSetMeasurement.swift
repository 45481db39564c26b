import Foundation
import VAE

/// The figures `vaedyn eval` measures, and `vaedyn import` too: the negative ELBO, the
/// active units and the importance-sampled negative log-likelihood over `test`, each
/// handed to `result` as a line as soon as it is known.
public enum TestSetMeasurement {
    public static func measure(_ bundle: ModelBundle, test: ImageSet, samples: Int, progress: ExperimentProgress, result: (String) -> Void) -> ModelMetrics {
        let seed = Trainer.testBinarisationSeed
        let images = Binarizer().binarize(test, seed: seed)
        let evaluator = Evaluator(network: Network(parameters: bundle.parameters, frozen: true))
        progress.line("\(bundle.description.id): \(bundle.architecture), \(test.count) test images binarised with seed \(seed)")

        let start = Date()
        let elbo = evaluator.negativeELBO(images: images, count: test.count, seed: seed)
        result(String(format: "test negative ELBO: %.3f nats (one sample per image, seed %llu)", elbo, seed))
        let means = evaluator.encoderMeans(images: images.view, count: test.count)
        let active = Evaluator.activeUnitIndices(means: means, latent: bundle.architecture.latentSize)
        result("active latent units: \(active.count) of \(bundle.architecture.latentSize) (variance of the encoder mean > 0.01)")
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
            result(String(format: "test negative log-likelihood: %.3f nats (importance sampling, k = %d)", nll, samples))
        }
        progress.line(String(format: "evaluated in %.1f s", Date().timeIntervalSince(start)))
        return ModelMetrics(testImages: test.count, evaluationSeed: seed, negativeELBO: elbo, importanceSamples: samples,
                            negativeLogLikelihood: nll, activeUnits: active.count, activeUnitIndices: active,
                            fixtureNegativeELBO: evaluator.negativeELBO(images: images, count: min(100, test.count), seed: seed))
    }
}
