/// One step of the paper's sampling dynamics for a batch of independent chains:
/// z ~ q(z | x), then x ~ p(x | z). Each row has its own random stream, so a chain's draws
/// do not depend on how many other chains share the batch.
public struct GibbsStep: Sendable {
    public var sampleLatent = true
    public var sampleImage = true

    public init(sampleLatent: Bool = true, sampleImage: Bool = true) {
        self.sampleLatent = sampleLatent
        self.sampleImage = sampleImage
    }

    /// Recognition: encodes the rows of `x` and writes ws.latent (a sample or the mean).
    public func recognise(_ network: Network, x: FloatView, rows: Int, workspace ws: Workspace, streams: inout [RandomStream]) {
        let z = network.architecture.latentSize
        network.encode(x, rows: rows, workspace: ws)
        let sample = sampleLatent
        forEachShard(of: rows, network: network, streams: &streams) { range, streams in
            let e = ws.encoderOutput.view + range.lowerBound * 2 * z, out = ws.latent.view + range.lowerBound * z
            guard sample else {
                GaussianLatent.means(encoderOutput: e, rows: range.count, latent: z, into: out)
                return
            }
            let noise = ws.noise.view + range.lowerBound * z
            for r in range { streams[r].fillGaussian(ws.noise.view + r * z, count: z) }
            GaussianLatent.sample(encoderOutput: e, noise: noise, rows: range.count, latent: z, into: out)
        }
    }

    /// Generation: decodes ws.latent and writes into `x` the pixel probabilities or a
    /// Bernoulli sample of them.
    public func generate(_ network: Network, rows: Int, workspace ws: Workspace, into x: FloatView, streams: inout [RandomStream]) {
        network.decode(rows: rows, workspace: ws)
        draw(network, rows: rows, workspace: ws, into: x, streams: &streams)
    }

    /// The second half of `generate`, from logits already in ws.logits: kernels that decode
    /// z(t) ahead (to read p(x | z(t)) at step t) draw x(t+1) from them one step later.
    public func draw(_ network: Network, rows: Int, workspace ws: Workspace, into x: FloatView, streams: inout [RandomStream]) {
        let d = network.architecture.inputSize
        let sample = sampleImage
        forEachShard(of: rows, network: network, streams: &streams) { range, streams in
            VectorMath.sigmoid(ws.logits.view + range.lowerBound * d, x + range.lowerBound * d, count: range.count * d)
            guard sample else { return }
            for r in range { streams[r].fillBernoulli(probabilities: x + r * d, x + r * d, count: d) }
        }
    }

    /// The per-row draws and elementwise work, split like the network's products: each
    /// shard touches only its own rows and their streams.
    private func forEachShard(of rows: Int, network: Network, streams: inout [RandomStream],
                              _ body: (Range<Int>, UnsafeMutablePointer<RandomStream>) -> Void) {
        streams.withUnsafeMutableBufferPointer { buffer in
            let s = UnsafeSendable(buffer.baseAddress!)
            Parallel.forEachShard(network.shards(rows: rows), workers: network.shardLimit) { _, range in body(range, s.value) }
        }
    }
}
