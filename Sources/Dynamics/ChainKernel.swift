import VAE

/// One kind of chain. The paper's chain is `GibbsKernel`; variants (pixels clamped for
/// imputation, a Metropolis-within-Gibbs acceptance step) implement the same two calls.
public protocol ChainKernel: Sendable {
    /// A name for the records ("gibbs", ...).
    var name: String { get }
    /// z(0) from x(0) in `chains.images`.
    func start(_ chains: ChainBatch)
    /// x(t+1) from z(t), then z(t+1) from x(t+1).
    func advance(_ chains: ChainBatch)
}

/// The paper's chain: x(t+1) ~ p(x | z(t)), z(t+1) ~ q(z | x(t+1)), each drawn or
/// replaced by its mean.
///
/// Recognition always takes the dense first layer: the network picks the sparse one per
/// shard of rows by the shard's share of ones, so a trial's sums (and then its samples)
/// would depend on which other trials share its shard.
public struct GibbsKernel: ChainKernel {
    public let step: GibbsStep

    public init(sampleImage: Bool, sampleLatent: Bool) {
        step = GibbsStep(sampleLatent: sampleLatent, sampleImage: sampleImage)
    }

    public var name: String { "gibbs" }

    public func start(_ chains: ChainBatch) {
        let ws = chains.workspace, z = chains.network.architecture.latentSize
        chains.network.encode(chains.images.pointer, rows: chains.rows, workspace: ws, dense: true)
        if step.sampleLatent {
            for r in 0..<chains.rows { chains.streams[r].fillGaussian(ws.noise.pointer + r * z, count: z) }
            GaussianLatent.sample(encoderOutput: ws.encoderOutput.pointer, noise: ws.noise.pointer, rows: chains.rows, latent: z, into: ws.latent.pointer)
        } else {
            GaussianLatent.means(encoderOutput: ws.encoderOutput.pointer, rows: chains.rows, latent: z, into: ws.latent.pointer)
        }
    }

    public func advance(_ chains: ChainBatch) {
        step.generate(chains.network, rows: chains.rows, workspace: chains.workspace, into: chains.images.pointer, streams: &chains.streams)
        start(chains)
    }
}
