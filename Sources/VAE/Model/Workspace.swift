/// Activation and gradient buffers for batches of up to `capacity` rows, reused from batch
/// to batch so that the hot loops never allocate.
public final class Workspace: @unchecked Sendable {
    public let architecture: Architecture
    public let capacity: Int

    /// Encoder hidden activations h1 (rows x H).
    public let encoderHidden: FloatBuffer
    /// Encoder outputs [mu | logvar] (rows x 2Z).
    public let encoderOutput: FloatBuffer
    /// Standard normal noise of the reparameterisation (rows x Z).
    public let noise: FloatBuffer
    /// Latent codes fed to the decoder (rows x Z).
    public let latent: FloatBuffer
    /// Decoder hidden activations h3 (rows x H).
    public let decoderHidden: FloatBuffer
    /// Decoder output logits (rows x D).
    public let logits: FloatBuffer
    /// Per-row losses: reconstruction and KL terms.
    public let reconstruction: FloatBuffer
    public let kl: FloatBuffer

    // Gradients with respect to the activations, kept until the weight gradients are done.
    let logitsGradient: FloatBuffer
    let decoderHiddenGradient: FloatBuffer
    let latentGradient: FloatBuffer
    let encoderOutputGradient: FloatBuffer
    let encoderHiddenGradient: FloatBuffer
    /// The binary form of each shard's input rows (see `Parallel`).
    public let binaryShards: [BinaryRows]
    /// The same ones for the whole batch, by pixel (for the first layer's weight gradient).
    let binaryColumns = BinaryColumns()

    /// Whether the gradient buffers exist (`Network.lossAndGradients` needs them).
    public let training: Bool

    /// Every float buffer, for `bytes`.
    private var buffers: [FloatBuffer] {
        [encoderHidden, encoderOutput, noise, latent, decoderHidden, logits, reconstruction, kl,
         logitsGradient, decoderHiddenGradient, latentGradient, encoderOutputGradient, encoderHiddenGradient]
    }

    /// Bytes of the float buffers of a workspace of `capacity` rows: each buffer is rows
    /// times a width, so a one-row workspace tells them.
    public static func bytes(_ architecture: Architecture, capacity: Int, training: Bool = false) -> Int {
        let one = Workspace(architecture, capacity: 1, shards: 1, training: training)
        return capacity * one.buffers.reduce(0) { $0 + $1.count } * MemoryLayout<Float>.stride
    }

    /// `shards` is the most shards a `Network` may cut a batch into (its `shardLimit`, or
    /// training's fixed `Network.trainingShards`).
    /// `training`: room for the gradients too, 6 MB more for 500 rows that chains and
    /// evaluation never touch (a server runs several such workspaces at once).
    public init(_ architecture: Architecture, capacity: Int, shards: Int = max(Parallel.threads, Network.trainingShards), training: Bool = false) {
        self.architecture = architecture
        self.capacity = capacity
        let d = architecture.inputSize, h = architecture.hiddenSize, z = architecture.latentSize
        encoderHidden = FloatBuffer(count: capacity * h)
        encoderOutput = FloatBuffer(count: capacity * 2 * z)
        noise = FloatBuffer(count: capacity * z)
        latent = FloatBuffer(count: capacity * z)
        decoderHidden = FloatBuffer(count: capacity * h)
        logits = FloatBuffer(count: capacity * d)
        reconstruction = FloatBuffer(count: capacity)
        kl = FloatBuffer(count: capacity)
        self.training = training
        let rows = training ? capacity : 0
        logitsGradient = FloatBuffer(count: rows * d)
        decoderHiddenGradient = FloatBuffer(count: rows * h)
        latentGradient = FloatBuffer(count: rows * z)
        encoderOutputGradient = FloatBuffer(count: rows * 2 * z)
        encoderHiddenGradient = FloatBuffer(count: rows * h)
        binaryShards = (0..<max(1, shards)).map { _ in BinaryRows() }
    }
}
