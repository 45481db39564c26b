import Experiments
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
        if save && samples == 0 { throw ValidationError("--save stores the negative log-likelihood too: give --samples 1 or more") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        var bundle = try reporting(model) { try ModelBundle(contentsOf: url) }
        let folder = data ?? (Dataset.named(bundle.description.dataset) ?? .mnist).folder
        var test = try reporting("test data") { try ImageSet(folder: URL(fileURLWithPath: folder), prefix: "t10k") }
        if let limit { test = test.subset(Array(0..<min(limit, test.count))) }
        let progress = Progress()
        let metrics = TestSetMeasurement.measure(bundle, test: test, samples: samples, progress: progress) { print($0) }
        if save {
            bundle.description.metrics = metrics
            try reporting("writing \(model)") { try bundle.write(to: url) }
            progress.line("stored the figures in \(model)")
        }
    }
}
