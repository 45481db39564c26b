/// All weights and biases of one VAE in a single contiguous buffer, so that the optimiser,
/// the file format and the gradient check can treat them as one vector.
/// Weights are row-major (inputs x outputs): a layer computes y = x W + b.
public final class Parameters: @unchecked Sendable {
    public enum Block: String, CaseIterable, Sendable {
        case encoderHiddenWeight, encoderHiddenBias, encoderOutputWeight, encoderOutputBias
        case decoderHiddenWeight, decoderHiddenBias, decoderOutputWeight, decoderOutputBias
    }

    public let architecture: Architecture
    public let storage: FloatBuffer
    private let offsets: [Block: Int]
    private let sizes: [Block: Int]

    public init(_ architecture: Architecture) {
        self.architecture = architecture
        let d = architecture.inputSize, h = architecture.hiddenSize, z = architecture.latentSize
        let shapes: [(Block, Int)] = [
            (.encoderHiddenWeight, d * h), (.encoderHiddenBias, h),
            (.encoderOutputWeight, h * 2 * z), (.encoderOutputBias, 2 * z),
            (.decoderHiddenWeight, z * h), (.decoderHiddenBias, h),
            (.decoderOutputWeight, h * d), (.decoderOutputBias, d),
        ]
        var offsets: [Block: Int] = [:]
        var sizes: [Block: Int] = [:]
        var total = 0
        for (block, size) in shapes {
            // Each block starts on a 64-byte boundary for aligned SIMD loads.
            offsets[block] = total
            sizes[block] = size
            total += (size + 15) / 16 * 16
        }
        self.offsets = offsets
        self.sizes = sizes
        storage = FloatBuffer(count: total)
    }

    public var count: Int { storage.count }

    public func view(_ block: Block) -> FloatView { (storage.view + offsets[block]!).prefix(sizes[block]!) }
    public func size(_ block: Block) -> Int { sizes[block]! }
    public func range(_ block: Block) -> Range<Int> { offsets[block]!..<(offsets[block]! + sizes[block]!) }

    public var w1: FloatView { view(.encoderHiddenWeight) }
    public var b1: FloatView { view(.encoderHiddenBias) }
    public var w2: FloatView { view(.encoderOutputWeight) }
    public var b2: FloatView { view(.encoderOutputBias) }
    public var w3: FloatView { view(.decoderHiddenWeight) }
    public var b3: FloatView { view(.decoderHiddenBias) }
    public var w4: FloatView { view(.decoderOutputWeight) }
    public var b4: FloatView { view(.decoderOutputBias) }

    /// Glorot-uniform weights for tanh, He-uniform (Glorot's limit with fan-in alone, times
    /// sqrt 2) for ReLU, which zeroes half its inputs; zero biases.
    public func initialize(seed: UInt64) {
        storage.fill(0)
        var rng = RandomStream(seed: seed, stream: 0x1417)
        let a = architecture
        let layers: [(Block, Int, Int)] = [
            (.encoderHiddenWeight, a.inputSize, a.hiddenSize),
            (.encoderOutputWeight, a.hiddenSize, 2 * a.latentSize),
            (.decoderHiddenWeight, a.latentSize, a.hiddenSize),
            (.decoderOutputWeight, a.hiddenSize, a.inputSize),
        ]
        for (block, fanIn, fanOut) in layers {
            let limit = switch a.activation {
            case .tanh: (6 / Float(fanIn + fanOut)).squareRoot()
            case .relu: (6 / Float(fanIn)).squareRoot()
            }
            let p = view(block)
            for i in 0..<size(block) { p[i] = (2 * rng.uniform() - 1) * limit }
        }
    }

    public func copy(from other: Parameters) {
        precondition(other.architecture == architecture)
        storage.copy(from: other.storage)
    }
}
