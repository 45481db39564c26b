import Foundation

/// Adam (Kingma & Ba 2014) over a flat parameter vector, with bias correction.
public final class Adam: @unchecked Sendable {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// First and second moment estimates, laid out like the parameters.
    public let m: FloatBuffer
    public let v: FloatBuffer
    public private(set) var step: Int

    public init(count: Int, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        m = FloatBuffer(count: count)
        v = FloatBuffer(count: count)
        step = 0
    }

    /// Restores the state saved in a checkpoint.
    public func restore(step: Int, m: [Float], v: [Float]) {
        precondition(m.count == self.m.count && v.count == self.v.count)
        self.step = step
        m.withUnsafeBufferPointer { self.m.pointer.update(from: $0.baseAddress!, count: $0.count) }
        v.withUnsafeBufferPointer { self.v.pointer.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Starts the next step of `network`'s parameters: the returned sink updates each band
    /// as soon as `network.lossAndGradients` hands over its gradient, while the band is
    /// still in cache.
    public func beginStep(for network: Network) -> AdamStep {
        let parameters = network.parameters.storage
        precondition(parameters.count == m.count)
        let workers = max(1, network.shardLimit), capacity = network.gradientBandCapacity
        if scratch.count < workers || scratch.contains(where: { $0.count < capacity }) {
            scratch = (0..<workers).map { _ in FloatBuffer(count: capacity) }
        }
        step += 1
        let t = Float(step)
        // Bias corrections folded into the step size and epsilon.
        let c1 = 1 - pow(beta1, t), c2 = 1 - pow(beta2, t)
        return AdamStep(beta1: beta1, beta2: beta2, alpha: learningRate * c2.squareRoot() / c1, epsilon: epsilon * c2.squareRoot(),
                        p: UnsafeSendable(parameters.pointer), m: UnsafeSendable(m.pointer), v: UnsafeSendable(v.pointer),
                        scratch: scratch)
    }

    /// One gradient band per worker.
    private var scratch: [FloatBuffer] = []
}

/// One Adam step, applied band by band.
public struct AdamStep: GradientSink {
    let beta1: Float, beta2: Float, alpha: Float, epsilon: Float
    let p: UnsafeSendable<UnsafeMutablePointer<Float>>
    let m: UnsafeSendable<UnsafeMutablePointer<Float>>
    let v: UnsafeSendable<UnsafeMutablePointer<Float>>
    let scratch: [FloatBuffer]

    public func destination(for range: Range<Int>, worker: Int) -> UnsafeMutablePointer<Float> {
        precondition(worker < scratch.count && range.count <= scratch[worker].count, "more workers or a larger band than Adam made room for")
        return scratch[worker].pointer
    }

    public func receive(_ range: Range<Int>, gradient: UnsafePointer<Float>) {
        let b1 = beta1, b2 = beta2, alpha = alpha, eps = epsilon
        let o0 = range.lowerBound
        let rp = UnsafeMutableRawPointer(p.value + o0), rm = UnsafeMutableRawPointer(m.value + o0)
        let rv = UnsafeMutableRawPointer(v.value + o0), rg = UnsafeRawPointer(gradient)
        let n = range.count
        var i = 0
        while i + 16 <= n {
            let o = i * 4
            let gv = rg.loadUnaligned(fromByteOffset: o, as: Lanes.self)
            let mv = b1 * rm.loadUnaligned(fromByteOffset: o, as: Lanes.self) + (1 - b1) * gv
            let vv = b2 * rv.loadUnaligned(fromByteOffset: o, as: Lanes.self) + (1 - b2) * gv * gv
            rm.storeBytes(of: mv, toByteOffset: o, as: Lanes.self)
            rv.storeBytes(of: vv, toByteOffset: o, as: Lanes.self)
            let pv = rp.loadUnaligned(fromByteOffset: o, as: Lanes.self) - alpha * mv / (VectorMath.squareRoot(vv) + eps)
            rp.storeBytes(of: pv, toByteOffset: o, as: Lanes.self)
            i += 16
        }
        let pp = p.value + o0, mp = m.value + o0, vp = v.value + o0
        while i < n {
            let gi = gradient[i]
            mp[i] = b1 * mp[i] + (1 - b1) * gi
            vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
            pp[i] -= alpha * mp[i] / (VectorMath.squareRoot(vp[i]) + eps)
            i += 1
        }
    }
}
