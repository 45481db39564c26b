import Foundation
import VAE

/// The VAE's negative ELBO written as plainly as possible, in Double, straight from the
/// formulas: the slow, obvious path that the fast kernels are checked against.
struct ReferenceVAE {
    let a: Architecture
    var w1, b1, w2, b2, w3, b3, w4, b4: [Double]

    init(_ p: Parameters) {
        a = p.architecture
        func read(_ block: Parameters.Block) -> [Double] {
            (0..<p.size(block)).map { Double(p.view(block)[$0]) }
        }
        w1 = read(.encoderHiddenWeight); b1 = read(.encoderHiddenBias)
        w2 = read(.encoderOutputWeight); b2 = read(.encoderOutputBias)
        w3 = read(.decoderHiddenWeight); b3 = read(.decoderHiddenBias)
        w4 = read(.decoderOutputWeight); b4 = read(.decoderOutputBias)
    }

    /// y = x W + b for one row.
    func dense(_ x: [Double], _ w: [Double], _ b: [Double], _ inputs: Int, _ outputs: Int) -> [Double] {
        (0..<outputs).map { j in
            var s = b[j]
            for i in 0..<inputs { s += x[i] * w[i * outputs + j] }
            return s
        }
    }

    func hidden(_ a: Double) -> Double {
        switch self.a.activation {
        case .tanh: Foundation.tanh(a)
        case .relu: max(0, a)
        }
    }

    /// (reconstruction, kl) of one image x with noise eps.
    func loss(x: [Double], eps: [Double]) -> (Double, Double) {
        let d = a.inputSize, h = a.hiddenSize, z = a.latentSize
        let h1 = dense(x, w1, b1, d, h).map(hidden)
        let e = dense(h1, w2, b2, h, 2 * z)
        let mu = Array(e[0..<z]), logvar = Array(e[z..<(2 * z)])
        let code = (0..<z).map { mu[$0] + Foundation.exp(logvar[$0] / 2) * eps[$0] }
        let h3 = dense(code, w3, b3, z, h).map(hidden)
        let logits = dense(h3, w4, b4, h, d)
        var rec = 0.0
        for i in 0..<d {
            let p = 1 / (1 + Foundation.exp(-logits[i]))
            rec -= x[i] * Foundation.log(p) + (1 - x[i]) * Foundation.log(1 - p)
        }
        var kl = 0.0
        for j in 0..<z { kl += 0.5 * (mu[j] * mu[j] + Foundation.exp(logvar[j]) - 1 - logvar[j]) }
        return (rec, kl)
    }

    /// Batch mean of the negative ELBO.
    func meanLoss(x: [[Double]], eps: [[Double]]) -> Double {
        zip(x, eps).reduce(0.0) { acc, pair in
            let (r, k) = loss(x: pair.0, eps: pair.1)
            return acc + r + k
        } / Double(x.count)
    }

    /// Writes the weights back (for perturbing one parameter at a time).
    mutating func set(_ block: Parameters.Block, _ i: Int, _ v: Double) {
        switch block {
        case .encoderHiddenWeight: w1[i] = v
        case .encoderHiddenBias: b1[i] = v
        case .encoderOutputWeight: w2[i] = v
        case .encoderOutputBias: b2[i] = v
        case .decoderHiddenWeight: w3[i] = v
        case .decoderHiddenBias: b3[i] = v
        case .decoderOutputWeight: w4[i] = v
        case .decoderOutputBias: b4[i] = v
        }
    }

    func get(_ block: Parameters.Block, _ i: Int) -> Double {
        switch block {
        case .encoderHiddenWeight: return w1[i]
        case .encoderHiddenBias: return b1[i]
        case .encoderOutputWeight: return w2[i]
        case .encoderOutputBias: return b2[i]
        case .decoderHiddenWeight: return w3[i]
        case .decoderHiddenBias: return b3[i]
        case .decoderOutputWeight: return w4[i]
        case .decoderOutputBias: return b4[i]
        }
    }
}

/// A tiny model with random weights and a batch of binary inputs and noise, shared by the
/// gradient and reference tests.
struct TinyCase {
    let parameters: Parameters
    let x: FloatBuffer
    let eps: [Float]
    let rows: Int

    init(architecture: Architecture = Architecture(inputSize: 37, hiddenSize: 19, latentSize: 5), rows: Int = 6, seed: UInt64 = 11) {
        parameters = Parameters(architecture)
        parameters.initialize(seed: seed)
        // Non-zero biases so that their gradients are exercised at a generic point.
        var rng = RandomStream(seed: seed, stream: 99)
        for block in [Parameters.Block.encoderHiddenBias, .encoderOutputBias, .decoderHiddenBias, .decoderOutputBias] {
            for i in 0..<parameters.size(block) { parameters.view(block)[i] = 0.3 * (rng.uniform() - 0.5) }
        }
        self.rows = rows
        x = FloatBuffer(count: rows * architecture.inputSize)
        for i in 0..<x.count { x[i] = rng.uniform() < 0.18 ? 1 : 0 }
        let noise = FloatBuffer(count: rows * architecture.latentSize)
        rng.fillGaussian(noise.view, count: noise.count)
        eps = noise.array
    }

    var xRows: [[Double]] {
        let d = parameters.architecture.inputSize
        return (0..<rows).map { r in (0..<d).map { Double(x[r * d + $0]) } }
    }

    var epsRows: [[Double]] {
        let z = parameters.architecture.latentSize
        return (0..<rows).map { r in (0..<z).map { Double(eps[r * z + $0]) } }
    }

    func workspace() -> Workspace {
        let ws = Workspace(parameters.architecture, capacity: rows, shards: 3, training: true)
        for i in 0..<eps.count { ws.noise[i] = eps[i] }
        return ws
    }
}

/// The batch gradient, kept whole.
func batchGradient(_ network: Network, _ x: FloatView, rows: Int, workspace: Workspace, dense: Bool = false) -> Parameters {
    let g = Parameters(network.architecture)
    network.lossAndGradients(x, rows: rows, workspace: workspace, into: g, dense: dense)
    return g
}
