import Foundation

/// Test-set figures of a trained network, in nats per image.
public struct Evaluator: Sendable {
    public let network: Network
    public static let chunk = 500

    public init(network: Network) {
        self.network = network
    }

    /// Mean over images of the one-sample negative ELBO; the noise for chunk c comes from
    /// stream (seed, c), so the figure is reproducible.
    public func negativeELBO(images: FloatBuffer, count: Int, seed: UInt64) -> Double {
        let a = network.architecture
        let ws = Workspace(a, capacity: Self.chunk)
        var total = 0.0
        var start = 0
        while start < count {
            let n = min(Self.chunk, count - start)
            var rng = RandomStream(seed: seed, stream: 0xE1B0 << 32 | UInt64(start))
            rng.fillGaussian(ws.noise.view, count: n * a.latentSize)
            let (rec, kl) = network.loss(images.view + start * a.inputSize, rows: n, workspace: ws)
            total += (rec + kl) * Double(n)
            start += n
        }
        return total / Double(max(count, 1))
    }

    /// Importance-sampled estimate of -log p(x) with `samples` draws from q(z|x) per image
    /// (Burda et al. 2015): -log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x).
    /// `progress` is called with the number of images done.
    public func negativeLogLikelihood(
        images: FloatBuffer, count: Int, samples k: Int, seed: UInt64, progress: (Int) -> Void = { _ in }
    ) -> Double {
        let a = network.architecture
        let d = a.inputSize, z = a.latentSize
        let ws = Workspace(a, capacity: k)
        let single = Workspace(a, capacity: 1)
        let logWeights = FloatBuffer(count: k)
        // The image repeated k times: the Bernoulli term's targets. An evaluation workspace
        // has no gradient buffers to borrow for this.
        let targets = FloatBuffer(count: k * d)
        var total = 0.0
        let logTwoPi = Float(Foundation.log(2 * Double.pi))
        for i in 0..<count {
            let x = (images.view + i * d).prefix(d)
            network.encode(x, rows: 1, workspace: single)
            var rng = RandomStream(seed: seed, stream: 0x15_0000_0000 | UInt64(i))
            rng.fillGaussian(ws.noise.view, count: k * z)
            let e = single.encoderOutput.view
            for s in 0..<k {
                (ws.encoderOutput.view + s * 2 * z).update(from: e, count: 2 * z)
            }
            GaussianLatent.sample(encoderOutput: ws.encoderOutput.view, noise: ws.noise.view, rows: k, latent: z, into: ws.latent.view)
            network.decode(rows: k, workspace: ws)
            for s in 0..<k {
                (targets.view + s * d).update(from: x, count: d)
            }
            BernoulliOutput.negativeLogLikelihood(logits: ws.logits.view, targets: targets.view, rows: k, columns: d,
                                                  into: ws.reconstruction.view)
            var logVarianceSum: Float = 0
            for j in 0..<z { logVarianceSum += e[z + j] }
            for s in 0..<k {
                let zs = ws.latent.view + s * z, eps = ws.noise.view + s * z
                var prior: Float = 0, posterior: Float = 0
                for j in 0..<z {
                    prior += zs[j] * zs[j]
                    posterior += eps[j] * eps[j]
                }
                // log p(z) - log q(z|x); the 2 pi terms cancel but are kept for clarity of the formula.
                let logPrior = -0.5 * (prior + Float(z) * logTwoPi)
                let logPosterior = -0.5 * (posterior + logVarianceSum + Float(z) * logTwoPi)
                logWeights[s] = -ws.reconstruction[s] + logPrior - logPosterior
            }
            var m = -Double.infinity
            for s in 0..<k { m = max(m, Double(logWeights[s])) }
            var sum = 0.0
            for s in 0..<k { sum += Foundation.exp(Double(logWeights[s]) - m) }
            total += -(m + Foundation.log(sum / Double(k)))
            progress(i + 1)
        }
        return total / Double(max(count, 1))
    }

    /// Encoder means of `count` images (count x Z), row by row.
    public func encoderMeans(images: FloatView, count: Int) -> [Float] {
        let a = network.architecture
        let ws = Workspace(a, capacity: Self.chunk)
        var out = [Float](repeating: 0, count: count * a.latentSize)
        var start = 0
        while start < count {
            let n = min(Self.chunk, count - start)
            network.encode(images + start * a.inputSize, rows: n, workspace: ws)
            out.withUnsafeMutableBufferPointer { o in
                GaussianLatent.means(encoderOutput: ws.encoderOutput.view, rows: n, latent: a.latentSize,
                                     into: FloatView(start: o.baseAddress!, count: o.count) + start * a.latentSize)
            }
            start += n
        }
        return out
    }

    /// Units whose encoder mean has a variance above 0.01 across the images (Burda et al.).
    public static func activeUnits(means: [Float], latent: Int, threshold: Double = 0.01) -> Int {
        activeUnitIndices(means: means, latent: latent, threshold: threshold).count
    }

    /// The indices of those units, in increasing order.
    public static func activeUnitIndices(means: [Float], latent: Int, threshold: Double = 0.01) -> [Int] {
        let n = means.count / latent
        guard n > 1 else { return [] }
        return (0..<latent).filter { j in
            var s = 0.0, s2 = 0.0
            for i in 0..<n {
                let v = Double(means[i * latent + j])
                s += v
                s2 += v * v
            }
            return s2 / Double(n) - (s / Double(n)) * (s / Double(n)) > threshold
        }
    }
}
