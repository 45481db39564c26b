import Foundation
import VAE

/// Exact imputation (Mattei & Frellsen 2018, "Leveraging the exact likelihood of deep
/// latent variable models", Algorithm 1): a Gibbs sampler on (z, x_mis) given x_obs whose
/// z block is a Metropolis-Hastings step with the encoder as an independent proposal.
/// Its stationary law is p(z, x_mis | x_obs), whatever the encoder; docs/kernels.md
/// derives the acceptance ratio. A step is
///
///   x_mis(t+1) ~ p(x_mis | z(t))                        (exact: pixels are independent given z)
///   z' ~ q(z | x(t+1)),   x(t+1) = (x_obs, x_mis(t+1))
///   z(t+1) = z' with probability min(1, w(z') / w(z(t))), else z(t),
///   w(z) = p(x(t+1) | z) p(z) / q(z | x(t+1)),
///
/// one encoder and one decoder pass like the plain chain: p(x(t+1) | z(t)) comes from the
/// logits of z(t) kept from its own step. x and z are always drawn (a mean is no proposal).
public struct MetropolisWithinGibbsKernel: ImputingKernel {
    public let mask: ImputationMask
    private let step = GibbsStep(sampleLatent: true, sampleImage: true)

    public init(mask: ImputationMask) {
        self.mask = mask
    }

    public var name: String { "mwg" }

    public func start(_ chains: ChainBatch) {
        let state = ImputationState(chains, keepsState: true)
        chains.kernelState = state
        mask.blank(chains)
        step.recognise(chains.network, x: chains.images.view, rows: chains.rows, workspace: chains.workspace, streams: &chains.streams)
        chains.network.decode(rows: chains.rows, workspace: chains.workspace)
        let a = chains.network.architecture
        state.latent.view.update(from: chains.workspace.latent.view, count: chains.rows * a.latentSize)
        state.logits.view.update(from: chains.workspace.logits.view, count: chains.rows * a.inputSize)
    }

    public func advance(_ chains: ChainBatch) {
        let state = ImputationState.of(chains)
        let network = chains.network, ws = chains.workspace, rows = chains.rows
        let d = network.architecture.inputSize, z = network.architecture.latentSize
        // ws.logits hold z(t)'s (the state's) logits: draw x_mis(t+1), then score x(t+1) under z(t).
        step.draw(network, rows: rows, workspace: ws, into: chains.images.view, streams: &chains.streams)
        mask.clamp(chains, to: state)
        BernoulliOutput.negativeLogLikelihood(logits: ws.logits.view, targets: chains.images.view, rows: rows, columns: d,
                                              into: state.currentLoss.view)
        // The proposal z' ~ q(z | x(t+1)) in ws.latent, its logits in ws.logits, its loss in ws.reconstruction.
        step.recognise(network, x: chains.images.view, rows: rows, workspace: ws, streams: &chains.streams)
        network.decode(rows: rows, workspace: ws)
        BernoulliOutput.negativeLogLikelihood(logits: ws.logits.view, targets: chains.images.view, rows: rows, columns: d,
                                              into: ws.reconstruction.view)
        let e = ws.encoderOutput.view.reading(rows * 2 * z)
        let proposed = ws.latent.view.pointer(rows * z), current = state.latent.view.pointer(rows * z)
        let proposedLogits = ws.logits.view.pointer(rows * d), currentLogits = state.logits.view.pointer(rows * d)
        let proposedLoss = ws.reconstruction.view.reading(rows), currentLoss = state.currentLoss.view.reading(rows)
        for r in 0..<rows {
            let er = e + r * 2 * z, zp = proposed + r * z, zc = current + r * z
            let logWeightProposed = -proposedLoss[r] + GaussianLatent.logPrior(zp, latent: z) - GaussianLatent.logPosterior(zp, encoderOutput: er, latent: z)
            let logWeightCurrent = -currentLoss[r] + GaussianLatent.logPrior(zc, latent: z) - GaussianLatent.logPosterior(zc, encoderOutput: er, latent: z)
            // u in [0, 1): log 0 = -inf accepts, as min(1, ratio) > 0 should.
            let accept = Foundation.log(chains.streams[r].uniform()) < logWeightProposed - logWeightCurrent
            state.accepted[r] = accept
            if accept {
                zc.update(from: zp, count: z)
                (currentLogits + r * d).update(from: proposedLogits + r * d, count: d)
            } else {
                zp.update(from: zc, count: z)
                (proposedLogits + r * d).update(from: currentLogits + r * d, count: d)
            }
        }
    }

    public func acceptance(_ chains: ChainBatch, rows: Range<Int>) -> Float? {
        let accepted = ImputationState.of(chains).accepted[rows]
        return Float(accepted.lazy.filter { $0 }.count) / Float(max(accepted.count, 1))
    }
}
