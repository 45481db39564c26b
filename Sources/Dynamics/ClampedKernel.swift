import VAE

/// Pseudo-Gibbs imputation (Rezende, Mohamed & Wierstra 2014): the paper's chain with the
/// observed pixels reset to x(0) after each x draw. It does not sample p(x_mis | x_obs)
/// unless q(z | x) is the exact posterior (Mattei & Frellsen 2018); `MetropolisWithinGibbsKernel` does.
public struct ClampedKernel: ImputingKernel {
    public let mask: ImputationMask
    public let step: GibbsStep

    public init(mask: ImputationMask, sampleImage: Bool, sampleLatent: Bool) {
        self.mask = mask
        step = GibbsStep(sampleLatent: sampleLatent, sampleImage: sampleImage)
    }

    public var name: String { "clamped" }

    public func start(_ chains: ChainBatch) {
        let state = ImputationState(chains, keepsState: false)
        chains.kernelState = state
        mask.blank(chains)
        recogniseAndDecode(chains)
    }

    /// x(t+1) from the logits of z(t) that the last step left, observed pixels put back;
    /// then z(t+1), decoded at once for the imputation at t + 1.
    public func advance(_ chains: ChainBatch) {
        step.draw(chains.network, rows: chains.rows, workspace: chains.workspace, into: chains.images.view, streams: &chains.streams)
        mask.clamp(chains, to: ImputationState.of(chains))
        recogniseAndDecode(chains)
    }

    public func acceptance(_ chains: ChainBatch, rows: Range<Int>) -> Float? { nil }

    private func recogniseAndDecode(_ chains: ChainBatch) {
        step.recognise(chains.network, x: chains.images.view, rows: chains.rows, workspace: chains.workspace, streams: &chains.streams)
        chains.network.decode(rows: chains.rows, workspace: chains.workspace)
    }
}
