import Foundation

/// Where the ten tensors of a VAE with one hidden layer on each side are found in a
/// safetensors file, and which way round its weight matrices are: vaedyn's own export
/// names, the names of the VAE in pytorch/examples (vae/main.py: fc1, fc21, fc22, fc3,
/// fc4), or any other naming given as a mapping file (docs/model-format.md, "Import").
public struct TensorLayout: Equatable, Sendable {
    /// The ten tensors, named as `vaedyn export` writes them.
    public enum Role: String, CaseIterable, Codable, Sendable {
        case encoderHiddenWeight = "encoder.hidden.weight", encoderHiddenBias = "encoder.hidden.bias"
        case encoderMeanWeight = "encoder.mean.weight", encoderMeanBias = "encoder.mean.bias"
        case encoderLogVarianceWeight = "encoder.logvar.weight", encoderLogVarianceBias = "encoder.logvar.bias"
        case decoderHiddenWeight = "decoder.hidden.weight", decoderHiddenBias = "decoder.hidden.bias"
        case decoderOutputWeight = "decoder.output.weight", decoderOutputBias = "decoder.output.bias"
    }

    public enum Orientation: String, Codable, Sendable {
        /// PyTorch's nn.Linear: outputs x inputs (y = x W^T + b).
        case outIn = "out-in"
        /// JAX/Flax Dense kernels and vaedyn's own `Parameters`: inputs x outputs (y = x W + b).
        case inOut = "in-out"
    }

    public var name: String
    public var tensors: [Role: String]
    public var orientation: Orientation
    /// Nil: the file's `__metadata__` "activation" says, or the user must.
    public var activation: Activation?

    public init(name: String, tensors: [Role: String], orientation: Orientation, activation: Activation?) {
        precondition(Set(tensors.keys) == Set(Role.allCases), "a layout names all ten tensors")
        self.name = name
        self.tensors = tensors
        self.orientation = orientation
        self.activation = activation
    }

    public static let ours = TensorLayout(name: "ours", tensors: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, $0.rawValue) }),
                                          orientation: .outIn, activation: nil)

    /// fc1: 784 -> 400 and fc3: 20 -> 400 with ReLU, fc21 / fc22 the mean and log-variance
    /// heads, fc4 the Bernoulli logits (the script applies the sigmoid in `decode`).
    public static let pytorchExamples = TensorLayout(name: "pytorch-examples", tensors: [
        .encoderHiddenWeight: "fc1.weight", .encoderHiddenBias: "fc1.bias",
        .encoderMeanWeight: "fc21.weight", .encoderMeanBias: "fc21.bias",
        .encoderLogVarianceWeight: "fc22.weight", .encoderLogVarianceBias: "fc22.bias",
        .decoderHiddenWeight: "fc3.weight", .decoderHiddenBias: "fc3.bias",
        .decoderOutputWeight: "fc4.weight", .decoderOutputBias: "fc4.bias",
    ], orientation: .outIn, activation: .relu)

    public static let builtIn = [ours, pytorchExamples]

    /// A mapping file: {"tensors": {ROLE: NAME, ... all ten}, "orientation": "out-in" or
    /// "in-out", "activation": "tanh" or "relu" (optional)}. Any other key is refused, so a
    /// misspelt one is not silently ignored.
    public init(mapping data: Data, name: String) throws {
        struct File: Decodable {
            var tensors: [String: String]
            var orientation: Orientation
            var activation: Activation?
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SafetensorsReader.Failure("the mapping \(name) is not a JSON object")
        }
        let unknown = Set(object.keys).subtracting(["tensors", "orientation", "activation"])
        guard unknown.isEmpty else {
            throw SafetensorsReader.Failure("the mapping \(name) has the unknown key(s) \(unknown.sorted()); it takes tensors, orientation and activation")
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw SafetensorsReader.Failure("the mapping \(name): \"tensors\" must map names to names, \"orientation\" be \"out-in\" or \"in-out\", "
                                            + "\"activation\" (if given) \"tanh\" or \"relu\" (\(error))")
        }
        let roles = Set(Role.allCases.map(\.rawValue))
        let extra = Set(file.tensors.keys).subtracting(roles), missing = roles.subtracting(file.tensors.keys)
        guard extra.isEmpty, missing.isEmpty else {
            throw SafetensorsReader.Failure("the mapping \(name) must name exactly the ten tensors \(Role.allCases.map(\.rawValue)); "
                                            + (missing.isEmpty ? "" : "missing \(missing.sorted())") + (missing.isEmpty || extra.isEmpty ? "" : ", ")
                                            + (extra.isEmpty ? "" : "unknown \(extra.sorted())"))
        }
        self.init(name: name, tensors: Dictionary(uniqueKeysWithValues: file.tensors.map { (Role(rawValue: $0.key)!, $0.value) }),
                  orientation: file.orientation, activation: file.activation)
    }
}
