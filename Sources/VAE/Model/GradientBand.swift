/// A piece of the parameter vector whose gradient is computed on its own, over the whole
/// batch: a band of rows of one layer's weights (the weights leaving those inputs), or the
/// layer's bias.
///
/// Bands rather than shards of the batch: each gradient is written once, by one thread,
/// as a product over all the rows (k = batch size, not a shard's share), and needs no sum
/// of per-shard copies afterwards.
struct GradientBand: Sendable {
    /// 0 = encoder hidden, 1 = encoder output, 2 = decoder hidden, 3 = decoder output.
    let layer: Int
    /// The layer's inputs whose weight rows this band holds; nil for the bias.
    let inputs: Range<Int>?
    /// Where the band sits in the parameter vector.
    let parameters: Range<Int>

    /// Most floats in a band (unless one weight row is wider): 512 KB, still in L2 (1 MB a
    /// core here) when Adam reads it.
    /// Each band's product packs the batch's other operand anew, so smaller bands cost
    /// more (measured: 128 KB bands train 10 % slower, 1 MB bands 12 % slower).
    static let capacity = 1 << 17

    static func bands(of p: Parameters) -> [GradientBand] {
        let a = p.architecture
        let layers: [(Parameters.Block, Parameters.Block, Int, Int)] = [
            (.encoderHiddenWeight, .encoderHiddenBias, a.inputSize, a.hiddenSize),
            (.encoderOutputWeight, .encoderOutputBias, a.hiddenSize, 2 * a.latentSize),
            (.decoderHiddenWeight, .decoderHiddenBias, a.latentSize, a.hiddenSize),
            (.decoderOutputWeight, .decoderOutputBias, a.hiddenSize, a.inputSize),
        ]
        var bands: [GradientBand] = []
        for (layer, (weight, bias, inputs, outputs)) in layers.enumerated() {
            let rowsPerBand = max(1, capacity / outputs)
            let start = p.range(weight).lowerBound
            for first in stride(from: 0, to: inputs, by: rowsPerBand) {
                let last = min(inputs, first + rowsPerBand)
                bands.append(GradientBand(layer: layer, inputs: first..<last,
                                          parameters: (start + first * outputs)..<(start + last * outputs)))
            }
            bands.append(GradientBand(layer: layer, inputs: nil, parameters: p.range(bias)))
        }
        return bands
    }
}
