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
        self.m.view.update(from: m)
        self.v.view.update(from: v)
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
                        p: parameters.view, m: m.view, v: v.view,
                        scratch: scratch)
    }

    /// One gradient band per worker.
    private var scratch: [FloatBuffer] = []
}

/// One Adam step, applied band by band.
public struct AdamStep: GradientSink {
    let beta1: Float, beta2: Float, alpha: Float, epsilon: Float
    let p: FloatView, m: FloatView, v: FloatView
    let scratch: [FloatBuffer]

    public func destination(for range: Range<Int>, worker: Int) -> FloatView {
        precondition(worker < scratch.count && range.count <= scratch[worker].count, "more workers or a larger band than Adam made room for")
        return scratch[worker].view.prefix(range.count)
    }

    public func receive(_ range: Range<Int>, gradient gradientView: FloatView) {
        let b1 = beta1, b2 = beta2, alpha = alpha, eps = epsilon
        let o0 = range.lowerBound
        let n = range.count
        let pp = (p + o0).pointer(n), mp = (m + o0).pointer(n), vp = (v + o0).pointer(n), gradient = gradientView.reading(n)
        let rp = UnsafeMutableRawPointer(pp), rm = UnsafeMutableRawPointer(mp), rv = UnsafeMutableRawPointer(vp), rg = UnsafeRawPointer(gradient)
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
        while i < n {
            let gi = gradient[i]
            mp[i] = b1 * mp[i] + (1 - b1) * gi
            vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
            pp[i] -= alpha * mp[i] / (VectorMath.squareRoot(vp[i]) + eps)
            i += 1
        }
    }
}
