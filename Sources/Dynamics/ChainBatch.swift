import VAE

/// The state of `groups` x `trials` chains advanced together: x(t) in `images`; after the
/// kernel has run, the workspace holds [mu | logvar] of q(z | x(t)) and z(t) in
/// `workspace.latent`. Row r draws only from `streams[r]`, so a chain does not depend on
/// the others. Groups (the noise ratios of a sweep) share one batch so that small runs
/// still fill the matrix products; trial i of every group has the same stream. A trial's
/// products do not depend on the rows beside it (the network's `FixedOrderProduct`), so a
/// batch is exactly its chains, one alone included.
public final class ChainBatch {
    public let network: Network
    /// Trials per group.
    public let trials: Int
    public let groups: Int
    /// Rows the kernels compute: group after group of trials.
    public let rows: Int
    public let workspace: Workspace
    public let images: FloatBuffer
    public var streams: [RandomStream]
    /// What a kernel keeps between its steps besides x(t) and the workspace (made by its
    /// `start`, so that one kernel can drive many batches).
    public var kernelState: AnyObject?

    public init(network: Network, trials: Int, groups: Int = 1) {
        self.network = network
        self.trials = trials
        self.groups = groups
        precondition(trials > 0 && groups > 0, "a batch of no chains")
        rows = trials * groups
        streams = [RandomStream](repeating: RandomStream(seed: 0), count: rows)
        workspace = Workspace(network.architecture, capacity: rows)
        images = FloatBuffer(count: rows * network.architecture.inputSize)
    }

    /// Gives trial i of every group the stream (seed, i).
    public func seed(_ seed: UInt64) {
        for r in 0..<rows { streams[r] = RandomStream(seed: seed, stream: UInt64(r % trials)) }
    }

    /// Sets x(0) of every row: the input, binarised (with the row's stream) unless told
    /// not to, then corrupted by the noise of the row's group.
    public func setInitialImages(_ pixels: [UInt8], binarize: Bool, noises: [NoiseModel]) {
        precondition(noises.count == groups)
        for r in 0..<rows {
            let group = r / trials
            setInitialImage(row: r, pixels, binarize: binarize)
            noises[group].apply(to: images.view + r * network.architecture.inputSize, count: network.architecture.inputSize, binary: binarize, rng: &streams[r])
        }
    }

    /// Sets x(0) of group g's rows to its own input `inputs[g]`, without noise: a batch of
    /// many inputs, as imputation at population level runs.
    public func setInitialImages(perGroup inputs: [[UInt8]], binarize: Bool) {
        precondition(inputs.count == groups)
        for r in 0..<rows { setInitialImage(row: r, inputs[r / trials], binarize: binarize) }
    }

    private func setInitialImage(row r: Int, _ pixels: [UInt8], binarize: Bool) {
        let d = network.architecture.inputSize
        precondition(pixels.count == d)
        let row = images.view + r * d
        pixels.withUnsafeBufferPointer { p in
            if binarize {
                Binarizer().binarize(p, count: d, into: row, rng: &streams[r])
            } else {
                for i in 0..<d { row[i] = Float(p[i]) / 255 }
            }
        }
    }

    /// Encoder means mu(t), row r at `view + r * stride`.
    public var means: (view: FloatView, stride: Int) {
        (workspace.encoderOutput.view, 2 * network.architecture.latentSize)
    }

    /// Latent codes z(t) (samples or means, as the kernel chose).
    public var latents: (view: FloatView, stride: Int) {
        (workspace.latent.view, network.architecture.latentSize)
    }
}
