/// The VAE's computations over a batch, composed from the layer functions.
///
/// Every function reads inputs and writes results in a `Workspace`; none allocates.
public struct Network: Sendable {
    public let parameters: Parameters

    public init(parameters: Parameters) {
        self.parameters = parameters
    }

    public var architecture: Architecture { parameters.architecture }

    /// Encoder: writes h1 and [mu | logvar] for `rows` inputs (rows x D). Binary inputs take
    /// the sparse first layer unless `dense` is set (the reference for tests).
    public func encode(_ x: UnsafePointer<Float>, rows: Int, workspace ws: Workspace, dense: Bool = false) {
        precondition(rows <= ws.capacity)
        let a = architecture, p = parameters
        let h1 = ws.encoderHidden.pointer
        if !dense && ws.binaryInput.rebuild(from: x, rows: rows, columns: a.inputSize) {
            DenseLayer.forward(binary: ws.binaryInput, weight: p.w1, bias: p.b1, outputs: a.hiddenSize, into: h1)
        } else {
            ws.binaryInput = BinaryRows()
            DenseLayer.forward(x, rows: rows, inputs: a.inputSize, weight: p.w1, bias: p.b1, outputs: a.hiddenSize, into: h1)
        }
        TanhLayer.forward(h1, count: rows * a.hiddenSize)
        DenseLayer.forward(h1, rows: rows, inputs: a.hiddenSize, weight: p.w2, bias: p.b2, outputs: 2 * a.latentSize,
                           into: ws.encoderOutput.pointer)
    }

    /// Decoder: writes h3 and the logits for the `rows` codes in `ws.latent`.
    public func decode(rows: Int, workspace ws: Workspace) {
        let a = architecture, p = parameters
        let h3 = ws.decoderHidden.pointer
        DenseLayer.forward(ws.latent.pointer, rows: rows, inputs: a.latentSize, weight: p.w3, bias: p.b3, outputs: a.hiddenSize, into: h3)
        TanhLayer.forward(h3, count: rows * a.hiddenSize)
        DenseLayer.forward(h3, rows: rows, inputs: a.hiddenSize, weight: p.w4, bias: p.b4, outputs: a.inputSize, into: ws.logits.pointer)
    }

    /// The negative ELBO of each row with one reparameterised sample drawn with the noise
    /// already in `ws.noise`: writes ws.reconstruction and ws.kl, returns their batch means.
    @discardableResult
    public func loss(_ x: UnsafePointer<Float>, rows: Int, workspace ws: Workspace, dense: Bool = false) -> (reconstruction: Double, kl: Double) {
        let z = architecture.latentSize
        encode(x, rows: rows, workspace: ws, dense: dense)
        GaussianLatent.sample(encoderOutput: ws.encoderOutput.pointer, noise: ws.noise.pointer, rows: rows, latent: z, into: ws.latent.pointer)
        decode(rows: rows, workspace: ws)
        BernoulliOutput.negativeLogLikelihood(logits: ws.logits.pointer, targets: x, rows: rows, columns: architecture.inputSize,
                                              into: ws.reconstruction.pointer)
        GaussianLatent.klDivergence(encoderOutput: ws.encoderOutput.pointer, rows: rows, latent: z, into: ws.kl.pointer)
        var rec = 0.0, kl = 0.0
        for r in 0..<rows {
            rec += Double(ws.reconstruction[r])
            kl += Double(ws.kl[r])
        }
        return (rec / Double(rows), kl / Double(rows))
    }

    /// Loss (batch mean of the negative ELBO) and its gradient with respect to every
    /// parameter, written over `gradients`.
    @discardableResult
    public func lossAndGradients(
        _ x: UnsafePointer<Float>, rows: Int, workspace ws: Workspace, gradients g: Parameters, dense: Bool = false
    ) -> (reconstruction: Double, kl: Double) {
        let result = loss(x, rows: rows, workspace: ws, dense: dense)
        let a = architecture, p = parameters
        let d = a.inputSize, h = a.hiddenSize, z = a.latentSize
        let scale = 1 / Float(rows)

        let dl = ws.logitsGradient.pointer
        BernoulliOutput.backward(logits: ws.logits.pointer, targets: x, count: rows * d, scale: scale, into: dl)
        DenseLayer.backwardParameters(ws.decoderHidden.pointer, rows: rows, inputs: h, outputGradient: dl, outputs: d,
                                      weightGradient: g.w4, biasGradient: g.b4)
        let dh = ws.hiddenGradient.pointer
        DenseLayer.backwardInput(outputGradient: dl, rows: rows, outputs: d, weight: p.w4, inputs: h, into: dh)
        TanhLayer.backward(activation: ws.decoderHidden.pointer, gradient: dh, count: rows * h)
        DenseLayer.backwardParameters(ws.latent.pointer, rows: rows, inputs: z, outputGradient: dh, outputs: h,
                                      weightGradient: g.w3, biasGradient: g.b3)
        let dz = ws.latentGradient.pointer
        DenseLayer.backwardInput(outputGradient: dh, rows: rows, outputs: h, weight: p.w3, inputs: z, into: dz)

        let de = ws.encoderOutputGradient.pointer
        GaussianLatent.backward(latentGradient: dz, encoderOutput: ws.encoderOutput.pointer, noise: ws.noise.pointer,
                                rows: rows, latent: z, klWeight: scale, into: de)
        DenseLayer.backwardParameters(ws.encoderHidden.pointer, rows: rows, inputs: h, outputGradient: de, outputs: 2 * z,
                                      weightGradient: g.w2, biasGradient: g.b2)
        DenseLayer.backwardInput(outputGradient: de, rows: rows, outputs: 2 * z, weight: p.w2, inputs: h, into: dh)
        TanhLayer.backward(activation: ws.encoderHidden.pointer, gradient: dh, count: rows * h)
        if ws.binaryInput.rows == rows {
            DenseLayer.backwardParameters(binary: ws.binaryInput, inputs: d, outputGradient: dh, outputs: h,
                                          weightGradient: g.w1, biasGradient: g.b1)
        } else {
            DenseLayer.backwardParameters(x, rows: rows, inputs: d, outputGradient: dh, outputs: h,
                                          weightGradient: g.w1, biasGradient: g.b1)
        }
        return result
    }
}
