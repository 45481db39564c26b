/// The VAE's computations over a batch, composed from the layer functions.
///
/// Every function reads inputs and writes results in a `Workspace`; none allocates. A
/// batch is cut into shards of rows that run concurrently (see `Parallel`); each shard
/// works on its own rows of the workspace buffers. Weight gradients are the exception:
/// they are cut by bands of parameters instead (see `GradientBand`).
public struct Network: Sendable {
    public let parameters: Parameters
    /// At most this many shards per batch (and threads per pass); 1 runs everything on the
    /// calling thread.
    public var shardLimit = Parallel.threads
    private let bands: [GradientBand]
    /// The first layer's weights laid out for the sparse product (`SparseRowSum.pack`),
    /// when they will not change.
    private let packedFirstLayer: FloatBuffer?
    /// Every layer's weights laid out for `FixedOrderProduct`, when they will not change.
    private let fixedOrder: FixedOrderLayers?

    /// `frozen`: the parameters will not change while this network is used (a loaded model,
    /// not one in training). Its weights are then laid out once, for the sparse first layer
    /// and for `FixedOrderProduct`, whose rows come out with the same bits whatever the
    /// batch, the shard, the thread and the CPU: a chain's trajectory, an encoding and an
    /// evaluation must not depend on what else is computed beside them. Training's weights
    /// change every batch; it keeps OpenBLAS (see `shards(rows:)` for its bits).
    public init(parameters: Parameters, frozen: Bool = false) {
        self.parameters = parameters
        bands = GradientBand.bands(of: parameters)
        let a = parameters.architecture
        packedFirstLayer = frozen ? SparseRowSum.pack(parameters.w1, rows: a.inputSize, width: a.hiddenSize) : nil
        fixedOrder = frozen ? FixedOrderLayers(parameters) : nil
    }

    /// Whether each row's results depend on that row alone (a frozen network's do).
    public var isRowInvariant: Bool { fixedOrder != nil }

    public var architecture: Architecture { parameters.architecture }

    /// How `rows` rows are split into shards, which up to `shardLimit` threads run.
    ///
    /// A frozen network's rows do not depend on their shard, so it makes one per thread.
    /// Training's products go through OpenBLAS, which gives a row other bits in a product
    /// of another row count, so a trained model would depend on the thread count (shards
    /// of a study trained on 1 and 2 threads differed in the 7th digit). Training therefore
    /// cuts every batch into the same `trainingShards` pieces whatever the thread count:
    /// two, the cores of every machine here, so 2 threads lose nothing and 1 thread runs the
    /// two in turn. Its bits still depend on the OpenBLAS kernel (docs/reliability.md).
    public func shards(rows: Int) -> [Range<Int>] {
        Parallel.shards(rows, limit: isRowInvariant ? shardLimit : Self.trainingShards)
    }

    public static let trainingShards = 2

    private func shards(rows: Int, _ ws: Workspace) -> [Range<Int>] {
        precondition(rows <= ws.capacity, "\(rows) rows in a workspace for \(ws.capacity)")
        let split = shards(rows: rows)
        precondition(split.count <= ws.binaryShards.count, "the workspace was made for fewer shards than shardLimit")
        return split
    }

    /// Encoder: writes h1 and [mu | logvar] for `rows` inputs (rows x D). Binary inputs take
    /// the sparse first layer unless `dense` is set (the reference for tests).
    public func encode(_ x: FloatView, rows: Int, workspace ws: Workspace, dense: Bool = false) {
        Parallel.forEachShard(shards(rows: rows, ws), workers: shardLimit) { i, range in
            encodeShard(x, range, ws, ws.binaryShards[i], dense: dense)
        }
    }

    /// Decoder: writes h3 and the logits for the `rows` codes in `ws.latent`.
    public func decode(rows: Int, workspace ws: Workspace) {
        Parallel.forEachShard(shards(rows: rows, ws), workers: shardLimit) { _, range in decodeShard(range, ws) }
    }

    /// The decoder's mean image, p(x = 1 | z), of each latent vector: how a concept is shown
    /// (the page's concept images) and compared with a pattern (the hierarchy ladder).
    public func meanImages(of latents: [[Float]]) -> [[Float]] {
        let a = architecture
        let ws = Workspace(a, capacity: max(latents.count, 1))
        for (i, v) in latents.enumerated() { (ws.latent.view + i * a.latentSize).prefix(a.latentSize).update(from: v) }
        decode(rows: latents.count, workspace: ws)
        let images = FloatBuffer(count: latents.count * a.inputSize)
        VectorMath.sigmoid(ws.logits.view, images.view, count: images.count)
        return (0..<latents.count).map { Array(images.array[$0 * a.inputSize..<($0 + 1) * a.inputSize]) }
    }

    /// The negative ELBO of each row with one reparameterised sample drawn with the noise
    /// already in `ws.noise`: writes ws.reconstruction and ws.kl, returns their batch means.
    @discardableResult
    public func loss(_ x: FloatView, rows: Int, workspace ws: Workspace, dense: Bool = false) -> (reconstruction: Double, kl: Double) {
        Parallel.forEachShard(shards(rows: rows, ws), workers: shardLimit) { i, range in
            lossShard(x, range, ws, ws.binaryShards[i], dense: dense)
        }
        return means(rows: rows, ws)
    }

    /// Loss (batch mean of the negative ELBO) and its gradient with respect to every
    /// parameter, in two parallel passes: shards of rows run forward and carry the gradient
    /// back through the activations; then bands of parameters (`GradientBand`) take their
    /// gradient over the whole batch, each handed to `sink` as soon as it is complete.
    @discardableResult
    public func lossAndGradients(
        _ x: FloatView, rows: Int, workspace ws: Workspace, into sink: some GradientSink, dense: Bool = false
    ) -> (reconstruction: Double, kl: Double) {
        precondition(ws.training, "a workspace made without training: true has no room for gradients")
        let split = shards(rows: rows, ws)
        Parallel.forEachShard(split, workers: shardLimit) { i, range in
            lossShard(x, range, ws, ws.binaryShards[i], dense: dense)
            backpropagateShard(x, range, ws, scale: 1 / Float(rows))
        }
        let binary = !dense && ws.binaryShards.prefix(split.count).allSatisfy(\.isValid)
        if binary { ws.binaryColumns.rebuild(from: ws.binaryShards.prefix(split.count), offsets: split.map(\.lowerBound), width: architecture.inputSize) }
        Parallel.forEachClaimed(bands.count, workers: shardLimit) { worker, i in
            let band = bands[i]
            let out = sink.destination(for: band.parameters, worker: worker)
            bandGradient(band, x, rows: rows, ws, binary: binary, into: out)
            sink.receive(band.parameters, gradient: out)
        }
        return means(rows: rows, ws)
    }

    /// Floats a `GradientSink` destination must hold: the largest band.
    public var gradientBandCapacity: Int { bands.map(\.parameters.count).max() ?? 0 }

    private func means(rows: Int, _ ws: Workspace) -> (reconstruction: Double, kl: Double) {
        var rec = 0.0, kl = 0.0
        for r in 0..<rows {
            rec += Double(ws.reconstruction[r])
            kl += Double(ws.kl[r])
        }
        return (rec / Double(rows), kl / Double(rows))
    }

    // MARK: One shard

    private func encodeShard(_ x: FloatView, _ range: Range<Int>, _ ws: Workspace, _ binary: BinaryRows, dense: Bool) {
        let a = architecture, p = parameters
        let n = range.count, first = range.lowerBound
        let input = x + first * a.inputSize
        let h1 = ws.encoderHidden.view + first * a.hiddenSize
        if !dense && binary.rebuild(from: input, rows: n, columns: a.inputSize) {
            DenseLayer.forward(binary: binary, weight: p.w1, packed: packedFirstLayer?.view, bias: p.b1, outputs: a.hiddenSize, into: h1)
        } else {
            binary.invalidate()
            DenseLayer.forward(input, rows: n, inputs: a.inputSize, weight: p.w1, bias: p.b1, outputs: a.hiddenSize, into: h1,
                               fixedOrder: fixedOrder?.w1)
        }
        a.activation.forward(h1, count: n * a.hiddenSize)
        DenseLayer.forward(h1, rows: n, inputs: a.hiddenSize, weight: p.w2, bias: p.b2, outputs: 2 * a.latentSize,
                           into: ws.encoderOutput.view + first * 2 * a.latentSize, fixedOrder: fixedOrder?.w2)
    }

    private func decodeShard(_ range: Range<Int>, _ ws: Workspace) {
        let a = architecture, p = parameters
        let n = range.count, first = range.lowerBound
        let h3 = ws.decoderHidden.view + first * a.hiddenSize
        DenseLayer.forward(ws.latent.view + first * a.latentSize, rows: n, inputs: a.latentSize, weight: p.w3, bias: p.b3,
                           outputs: a.hiddenSize, into: h3, fixedOrder: fixedOrder?.w3)
        a.activation.forward(h3, count: n * a.hiddenSize)
        DenseLayer.forward(h3, rows: n, inputs: a.hiddenSize, weight: p.w4, bias: p.b4, outputs: a.inputSize,
                           into: ws.logits.view + first * a.inputSize, fixedOrder: fixedOrder?.w4)
    }

    private func lossShard(_ x: FloatView, _ range: Range<Int>, _ ws: Workspace, _ binary: BinaryRows, dense: Bool) {
        let a = architecture, z = a.latentSize
        let n = range.count, first = range.lowerBound
        encodeShard(x, range, ws, binary, dense: dense)
        let e = ws.encoderOutput.view + first * 2 * z
        GaussianLatent.sample(encoderOutput: e, noise: ws.noise.view + first * z, rows: n, latent: z, into: ws.latent.view + first * z)
        decodeShard(range, ws)
        BernoulliOutput.negativeLogLikelihood(logits: ws.logits.view + first * a.inputSize, targets: x + first * a.inputSize,
                                              rows: n, columns: a.inputSize, into: ws.reconstruction.view + first)
        GaussianLatent.klDivergence(encoderOutput: e, rows: n, latent: z, into: ws.kl.view + first)
    }

    /// The gradient with respect to every activation of one shard after `lossShard`, with
    /// the batch's 1/rows as `scale`; the weight gradients come after, from these.
    private func backpropagateShard(_ xAll: FloatView, _ range: Range<Int>, _ ws: Workspace, scale: Float) {
        let a = architecture, p = parameters
        let d = a.inputSize, h = a.hiddenSize, z = a.latentSize
        let n = range.count, first = range.lowerBound
        let e = ws.encoderOutput.view + first * 2 * z
        let dl = ws.logitsGradient.view + first * d
        let dh3 = ws.decoderHiddenGradient.view + first * h
        let dz = ws.latentGradient.view + first * z
        let de = ws.encoderOutputGradient.view + first * 2 * z
        let dh1 = ws.encoderHiddenGradient.view + first * h

        BernoulliOutput.backward(logits: ws.logits.view + first * d, targets: xAll + first * d, count: n * d, scale: scale, into: dl)
        DenseLayer.backwardInput(outputGradient: dl, rows: n, outputs: d, weight: p.w4, inputs: h, into: dh3)
        a.activation.backward(activation: ws.decoderHidden.view + first * h, gradient: dh3, count: n * h)
        DenseLayer.backwardInput(outputGradient: dh3, rows: n, outputs: h, weight: p.w3, inputs: z, into: dz)
        GaussianLatent.backward(latentGradient: dz, encoderOutput: e, noise: ws.noise.view + first * z,
                                rows: n, latent: z, klWeight: scale, into: de)
        DenseLayer.backwardInput(outputGradient: de, rows: n, outputs: 2 * z, weight: p.w2, inputs: h, into: dh1)
        a.activation.backward(activation: ws.encoderHidden.view + first * h, gradient: dh1, count: n * h)
    }

    /// One band's gradient over all `rows` rows, from the activations and their gradients.
    private func bandGradient(_ band: GradientBand, _ x: FloatView, rows: Int, _ ws: Workspace, binary: Bool,
                              into out: FloatView) {
        let a = architecture
        let (input, inputs, gradient, outputs): (FloatView, Int, FloatBuffer, Int) = switch band.layer {
        case 0: (x, a.inputSize, ws.encoderHiddenGradient, a.hiddenSize)
        case 1: (ws.encoderHidden.view, a.hiddenSize, ws.encoderOutputGradient, 2 * a.latentSize)
        case 2: (ws.latent.view, a.latentSize, ws.decoderHiddenGradient, a.hiddenSize)
        default: (ws.decoderHidden.view, a.hiddenSize, ws.logitsGradient, a.inputSize)
        }
        let dy = gradient.view
        guard let inputRows = band.inputs else {
            DenseLayer.biasGradient(outputGradient: dy, rows: rows, outputs: outputs, into: out)
            return
        }
        if binary && band.layer == 0 {
            DenseLayer.weightGradient(binary: ws.binaryColumns, rows: rows, band: inputRows, outputGradient: dy, outputs: outputs, into: out)
        } else {
            DenseLayer.weightGradient(input, rows: rows, inputs: inputs, band: inputRows, outputGradient: dy, outputs: outputs, into: out)
        }
    }
}

/// A frozen network's four weight matrices laid out for `FixedOrderProduct` (the first one
/// for inputs that are not binary; binary ones take the sparse first layer).
struct FixedOrderLayers: Sendable {
    let w1, w2, w3, w4: PackedMatrix

    init(_ p: Parameters) {
        let a = p.architecture
        w1 = PackedMatrix(p.w1, rows: a.inputSize, columns: a.hiddenSize)
        w2 = PackedMatrix(p.w2, rows: a.hiddenSize, columns: 2 * a.latentSize)
        w3 = PackedMatrix(p.w3, rows: a.latentSize, columns: a.hiddenSize)
        w4 = PackedMatrix(p.w4, rows: a.hiddenSize, columns: a.inputSize)
    }
}
