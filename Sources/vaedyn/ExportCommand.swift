import Experiments
import ArgumentParser
import Foundation
import VAE

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model's weights, concepts and projection as safetensors, for PyTorch, JAX or numpy.",
        discussion: """
            One tensor per layer in PyTorch's nn.Linear orientation (out x in): encoder.hidden, encoder.mean, \
            encoder.logvar, decoder.hidden, decoder.output (.weight and .bias), then concepts (one row per concept of \
            the metadata's `concepts`), projection.mean and projection.axes. __metadata__ holds the architecture, \
            activation, dataset, class names, concepts, training record and metrics as JSON text. \
            docs/model-format.md has a numpy forward pass over them.
            """)

    @Argument(help: "Model file (.vaem).") var model: String
    @Option(help: "The safetensors file to write.") var out: String

    func run() throws {
        let bundle = try reporting(model) { try ModelBundle(contentsOf: URL(fileURLWithPath: model)) }
        let data = try reporting(model) { try bundle.safetensors().encoded() }
        try reporting("writing \(out)") { try data.write(to: URL(fileURLWithPath: out), options: .atomic) }
        print("wrote \(out): \(bundle.architecture), \(data.count) bytes")
    }
}
