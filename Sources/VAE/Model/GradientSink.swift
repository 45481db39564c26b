/// Where `Network.lossAndGradients` puts the gradient, band by band as it completes it.
/// Training hands each band to Adam while it is still in cache; tests keep the whole vector.
public protocol GradientSink: Sendable {
    /// Where worker `worker` (below the network's `shardLimit`) writes the gradient of the
    /// parameters in `range`, at most the network's `gradientBandCapacity` floats.
    func destination(for range: Range<Int>, worker: Int) -> FloatView
    /// Called once the gradient of `range` is complete at `gradient`.
    func receive(_ range: Range<Int>, gradient: FloatView)
}

/// The gradient kept whole, laid out like the parameters.
extension Parameters: GradientSink {
    public func destination(for range: Range<Int>, worker: Int) -> FloatView {
        (storage.view + range.lowerBound).prefix(range.count)
    }

    public func receive(_ range: Range<Int>, gradient: FloatView) {}
}
