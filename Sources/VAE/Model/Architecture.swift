/// Layer sizes and nonlinearity of the VAE: encoder D -> H (f) -> (mu, log sigma^2) in
/// R^Z, decoder Z -> H (f) -> D Bernoulli logits; f is tanh in the paper.
public struct Architecture: Codable, Sendable, Equatable, CustomStringConvertible {
    public var inputSize: Int
    public var hiddenSize: Int
    public var latentSize: Int
    public var activation: Activation

    public static let paper = Architecture(inputSize: 784, hiddenSize: 1024, latentSize: 100)

    public init(inputSize: Int, hiddenSize: Int, latentSize: Int, activation: Activation = .tanh) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.latentSize = latentSize
        self.activation = activation
    }

    private enum CodingKeys: String, CodingKey { case inputSize, hiddenSize, latentSize, activation }

    /// Files written before ReLU was supported have no `activation`: they are tanh.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(inputSize: try c.decode(Int.self, forKey: .inputSize), hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
                  latentSize: try c.decode(Int.self, forKey: .latentSize),
                  activation: try c.decodeIfPresent(Activation.self, forKey: .activation) ?? .tanh)
    }

    public var description: String { "\(inputSize)-\(hiddenSize)-\(latentSize) \(activation.rawValue)" }

    /// Floating-point operations of one chain step (encoder and decoder forward, dense).
    public var flopsPerChainStep: Double {
        let d = Double(inputSize), h = Double(hiddenSize), z = Double(latentSize)
        let encoder: Double = d * h + h * 2 * z
        let decoder: Double = z * h + h * d
        return 2 * (encoder + decoder)
    }

    /// Forward plus backward of one training image with dense products (the input-layer
    /// gradient with respect to the input itself is never needed).
    public var flopsPerTrainingImage: Double {
        let d = Double(inputSize), h = Double(hiddenSize), z = Double(latentSize)
        let forward: Double = flopsPerChainStep
        // Weight and input gradients of the three upper layers, weight gradient of the first.
        let upper: Double = 2 * (h * d) + 2 * (z * h) + 2 * (h * 2 * z)
        return forward + 2 * (upper + d * h)
    }
}
