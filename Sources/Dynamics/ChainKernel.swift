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
public struct GibbsKernel: ChainKernel {
    public let step: GibbsStep

    public init(sampleImage: Bool, sampleLatent: Bool) {
        step = GibbsStep(sampleLatent: sampleLatent, sampleImage: sampleImage)
    }

    public var name: String { "gibbs" }

    public func start(_ chains: ChainBatch) {
        step.recognise(chains.network, x: chains.images.view, rows: chains.rows, workspace: chains.workspace, streams: &chains.streams)
    }

    public func advance(_ chains: ChainBatch) {
        step.generate(chains.network, rows: chains.rows, workspace: chains.workspace, into: chains.images.view, streams: &chains.streams)
        start(chains)
    }
}
