import VAE

/// A chain that holds the observed pixels of x(0) fixed and fills in the hidden ones
/// (`ImputationMask`). After `start` and each `advance`, ws.logits hold the decoder's
/// logits at z(t), so that p(x_mis | z(t)) can be read at step t (the imputation at t;
/// at t = 0, one decode of the encoded observed image).
public protocol ImputingKernel: ChainKernel {
    var mask: ImputationMask { get }
    /// The share of the trials `rows` whose proposal the last step accepted; nil for a
    /// kernel that proposes nothing.
    func acceptance(_ chains: ChainBatch, rows: Range<Int>) -> Float?
}

/// The state both imputation kernels keep: x(0) (whose observed pixels are put back after
/// every draw) and, for Metropolis-within-Gibbs, the current z(t), its logits and whether
/// the last proposal was accepted.
final class ImputationState {
    let observed: FloatBuffer
    let latent: FloatBuffer
    let logits: FloatBuffer
    /// -log p(x(t+1) | z(t)) of each row, taken before the proposal's decode overwrites the logits.
    let currentLoss: FloatBuffer
    var accepted: [Bool]

    init(_ chains: ChainBatch, keepsState: Bool) {
        let a = chains.network.architecture, rows = chains.rows
        observed = FloatBuffer(count: rows * a.inputSize)
        observed.view.update(from: chains.images.view, count: rows * a.inputSize)
        latent = FloatBuffer(count: keepsState ? rows * a.latentSize : 0)
        logits = FloatBuffer(count: keepsState ? rows * a.inputSize : 0)
        currentLoss = FloatBuffer(count: keepsState ? rows : 0)
        accepted = [Bool](repeating: false, count: rows)
    }

    /// The state `start` made for these chains.
    static func of(_ chains: ChainBatch) -> ImputationState {
        guard let state = chains.kernelState as? ImputationState else { preconditionFailure("an imputation kernel advanced before its start") }
        return state
    }
}

extension ImputationMask {
    /// Sets the hidden pixels of every row of x to 0 (x(0) of an imputation chain).
    func blank(_ chains: ChainBatch) {
        let d = chains.network.architecture.inputSize, x = chains.images.view.pointer(chains.rows * d)
        for r in 0..<chains.rows {
            for i in 0..<d where hidden[i] { x[r * d + i] = 0 }
        }
    }

    /// Puts the observed pixels of x(0) back into every row of x.
    func clamp(_ chains: ChainBatch, to state: ImputationState) {
        let d = chains.network.architecture.inputSize, x = chains.images.view.pointer(chains.rows * d)
        let x0 = state.observed.view.reading(chains.rows * d)
        for r in 0..<chains.rows {
            for i in 0..<d where !hidden[i] { x[r * d + i] = x0[r * d + i] }
        }
    }
}
