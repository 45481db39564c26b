import Experiments
import ArgumentParser
import Foundation
import VAE

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a VAE trained elsewhere (safetensors) into a model file vaedyn serves.",
        discussion: """
            One hidden layer on each side (tanh or ReLU), a Gaussian encoder with mean and log-variance heads, a Bernoulli \
            decoder giving logits. The concepts, projection and exemplars are computed from the dataset as training does, \
            the test set is measured as `vaedyn eval --save` does, and the file's SHA-256 and the layout are recorded in \
            the model file. Layouts: ours (what `vaedyn export` writes), pytorch-examples (fc1, fc21, fc22, fc3, fc4 of \
            pytorch/examples' vae/main.py, ReLU), or a mapping file (docs/model-format.md, "Import").
            """)

    @Argument(help: "The safetensors file.") var file: String
    @Option(help: "ours, pytorch-examples or a mapping FILE.json (default: whichever built-in layout's names the file holds).")
    var layout: String?
    @Option(help: "Hidden layers' nonlinearity, tanh or relu (default: the layout's, or the file's metadata).") var activation: Activation?
    @Option(help: "Dataset: \(Dataset.all.map(\.id).joined(separator: " or ")) (default: the file's metadata).") var dataset: String?
    @Option(help: "Folder with the dataset's IDX files (default: where its fetch script puts them).") var data: String?
    @Option(help: "The model file to write (.vaem).") var out: String
    @Option(help: "Model id (default: the name of --out without its extension).") var id: String?
    @Option(help: "Concept tree: \(TreeChoice.syntax) (default: the file's own, when it is our export and its concepts are these weights', else paper).")
    var tree: String?
    @Option(name: .customLong("samples"), help: "Importance samples per test image for the NLL.") var samples = 100

    func validate() throws {
        guard samples >= 1, samples <= 100_000 else { throw ValidationError("--samples must be in 1...100000") }
        if let dataset, Dataset.named(dataset) == nil {
            throw ValidationError("--dataset \(dataset) is not known; use \(Dataset.all.map(\.id).joined(separator: " or "))")
        }
        if let tree { _ = try TreeChoice(parsing: tree) }
    }

    func run() throws {
        let bytes = try reporting(file) { try Data(contentsOf: URL(fileURLWithPath: file)) }
        let source = try reporting(file) { try SafetensorsReader(data: bytes) }
        let sha256 = SHA256.hex(bytes)
        let (layout, mappingSHA256) = try resolvedLayout(source)
        guard let activation = activation ?? layout.activation ?? source.metadata["activation"].flatMap(Activation.init(rawValue:)) else {
            throw CLIError("\(file): the layout '\(layout.name)' and the file's metadata do not say the activation; give --activation tanh or relu")
        }
        guard let kind = Dataset.named(dataset ?? source.metadata["dataset"] ?? "") else {
            throw CLIError("\(file): its metadata names no dataset vaedyn knows; give --dataset \(Dataset.all.map(\.id).joined(separator: " or "))")
        }
        let parameters = try reporting(file) { try Parameters.imported(from: source, layout: layout, activation: activation) }
        let a = parameters.architecture
        let folder = URL(fileURLWithPath: data ?? kind.folder)
        let train = try reporting("training data") { try ImageSet(folder: folder, prefix: "train") }
        guard a.inputSize == train.pixelsPerImage else {
            throw CLIError("\(file): the encoder takes \(a.inputSize) inputs, but \(kind.id) images have \(train.pixelsPerImage) pixels")
        }
        let test = try reporting("test data") { try ImageSet(folder: folder, prefix: "t10k") }
        let progress = Progress()
        progress.line("\(file): \(a) in the layout '\(layout.name)'; computing the concepts over \(train.count) training images")

        var description = ModelDescription(id: id ?? URL(fileURLWithPath: out).deletingPathExtension().lastPathComponent,
                                           dataset: kind.id, architecture: a, classNames: kind.classNames)
        // Our own export carries its training record; it is still true of the weights.
        if layout == .ours, let text = source.metadata["training"] {
            description.training = try? JSONDecoder().decode(TrainingRecord.self, from: Data(text.utf8))
        }
        description.imported = ImportRecord(
            command: (["vaedyn"] + CommandLine.arguments.dropFirst()).joined(separator: " "), file: URL(fileURLWithPath: file).lastPathComponent,
            sha256: sha256, layout: layout.name, mappingSHA256: mappingSHA256, orientation: layout.orientation,
            tensors: Dictionary(uniqueKeysWithValues: layout.tensors.map { ($0.key.rawValue, $0.value) }))
        var bundle = ModelBundle(description: description, parameters: parameters)
        ConceptBuilder(network: Network(parameters: parameters, frozen: true)).complete(&bundle, train: train, test: test)
        if layout == .ours {
            progress.line(bundle.adoptConcepts(of: source)
                ? "the file's concepts, tree and projection are these weights' (within 1e-4 of their recomputation): kept"
                : "the file's concepts are not these weights' (or it has none): computed from the data")
        }
        if let tree { try TreeChoice(parsing: tree).apply(to: &bundle) }
        bundle.description.metrics = TestSetMeasurement.measure(bundle, test: test, samples: samples, progress: progress) { print($0) }
        try reporting("writing \(out)") { try bundle.write(to: URL(fileURLWithPath: out)) }
        print("wrote \(out): \(a), \(bundle.description.concepts.count) concepts, from \(file) (SHA-256 \(sha256.prefix(12))...)")
    }

    /// The layout asked for, or the built-in one whose ten names the file holds.
    private func resolvedLayout(_ source: SafetensorsReader) throws -> (TensorLayout, String?) {
        if let layout {
            if let builtIn = TensorLayout.builtIn.first(where: { $0.name == layout }) { return (builtIn, nil) }
            guard layout.hasSuffix(".json") else {
                throw CLIError("--layout \(layout) is neither \(TensorLayout.builtIn.map(\.name).joined(separator: " nor ")) nor a mapping file (.json)")
            }
            let mapping = try reporting(layout) { try Data(contentsOf: URL(fileURLWithPath: layout)) }
            let name = URL(fileURLWithPath: layout).lastPathComponent
            return (try reporting(layout) { try TensorLayout(mapping: mapping, name: name) }, SHA256.hex(mapping))
        }
        let names = Set(source.entries.keys)
        guard let found = TensorLayout.builtIn.first(where: { Set($0.tensors.values).isSubset(of: names) }) else {
            throw CLIError("\(file) holds the names of neither built-in layout (\(TensorLayout.builtIn.map(\.name).joined(separator: ", "))); "
                           + "give --layout with a mapping file (docs/model-format.md, \"Import\")")
        }
        return (found, nil)
    }
}
