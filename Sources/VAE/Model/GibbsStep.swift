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
    public func recognise(_ network: Network, x: UnsafePointer<Float>, rows: Int, workspace ws: Workspace, streams: inout [RandomStream]) {
        let z = network.architecture.latentSize
        network.encode(x, rows: rows, workspace: ws)
        if sampleLatent {
            for r in 0..<rows { streams[r].fillGaussian(ws.noise.pointer + r * z, count: z) }
            GaussianLatent.sample(encoderOutput: ws.encoderOutput.pointer, noise: ws.noise.pointer, rows: rows, latent: z, into: ws.latent.pointer)
        } else {
            GaussianLatent.means(encoderOutput: ws.encoderOutput.pointer, rows: rows, latent: z, into: ws.latent.pointer)
        }
    }

    /// Generation: decodes ws.latent and writes into `x` the pixel probabilities or a
    /// Bernoulli sample of them.
    public func generate(_ network: Network, rows: Int, workspace ws: Workspace, into x: UnsafeMutablePointer<Float>, streams: inout [RandomStream]) {
        let d = network.architecture.inputSize
        network.decode(rows: rows, workspace: ws)
        VectorMath.sigmoid(ws.logits.pointer, x, count: rows * d)
        if sampleImage {
            for r in 0..<rows { streams[r].fillBernoulli(probabilities: x + r * d, x + r * d, count: d) }
        }
    }
}
