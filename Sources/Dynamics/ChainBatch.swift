import VAE

/// The state of `trials` chains advanced together: x(t) in `images`; after the kernel has
/// run, the workspace holds [mu | logvar] of q(z | x(t)) and z(t) in `workspace.latent`.
/// Row r draws only from `streams[r]`, so a chain does not depend on the others.
///
/// OpenBLAS takes another summation order for products of at most 4 rows, so a trial
/// would come out differently alone than among 50; batches are therefore padded to
/// `minimumRows` with spare chains that are computed and never reported.
public final class ChainBatch {
    public static let minimumRows = 8

    public let network: Network
    public let trials: Int
    /// Rows the kernels compute: the trials, then the spare chains.
    public let rows: Int
    public let workspace: Workspace
    public let images: FloatBuffer
    public var streams: [RandomStream]

    public init(network: Network, trials: Int) {
        self.network = network
        self.trials = trials
        rows = max(trials, Self.minimumRows)
        streams = [RandomStream](repeating: RandomStream(seed: 0), count: rows)
        workspace = Workspace(network.architecture, capacity: rows)
        images = FloatBuffer(count: rows * network.architecture.inputSize)
    }

    /// Gives trial i the stream (seed, i); the spare chains share a stream no trial uses.
    public func seed(_ seed: UInt64) {
        for r in 0..<rows { streams[r] = RandomStream(seed: seed, stream: r < trials ? UInt64(r) : UInt64.max) }
    }

    /// Sets x(0) of every row (the spare ones too, so that they stay valid inputs): the input, binarised (with the row's stream) unless told
    /// not to, then corrupted by `noise`.
    public func setInitialImages(_ pixels: [UInt8], binarize: Bool, noise: NoiseModel) {
        let d = network.architecture.inputSize
        precondition(pixels.count == d)
        pixels.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                let row = images.pointer + r * d
                if binarize {
                    Binarizer().binarize(p.baseAddress!, count: d, into: row, rng: &streams[r])
                } else {
                    for i in 0..<d { row[i] = Float(p[i]) / 255 }
                }
                noise.apply(to: row, count: d, binary: binarize, rng: &streams[r])
            }
        }
    }

    /// Encoder means mu(t), row r at `pointer + r * stride`.
    public var means: (pointer: UnsafePointer<Float>, stride: Int) {
        (UnsafePointer(workspace.encoderOutput.pointer), 2 * network.architecture.latentSize)
    }

    /// Latent codes z(t) (samples or means, as the kernel chose).
    public var latents: (pointer: UnsafePointer<Float>, stride: Int) {
        (UnsafePointer(workspace.latent.pointer), network.architecture.latentSize)
    }
}
