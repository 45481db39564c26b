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

    public func update(_ parameters: FloatBuffer, gradients: FloatBuffer) {
        precondition(parameters.count == m.count && gradients.count == m.count)
        step += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        let t = Float(step)
        // Bias corrections folded into the step size and epsilon.
        let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
        let alpha = learningRate * c2.squareRoot() / c1
        let epsHat = eps * c2.squareRoot()
        let p = UnsafeSendable(parameters.pointer), g = UnsafeSendable(gradients.pointer)
        let mp = UnsafeSendable(m.pointer), vp = UnsafeSendable(v.pointer)
        Parallel.forEachChunk(m.count, alignment: 16) { range in
            let rp = UnsafeMutableRawPointer(p.value), rg = UnsafeRawPointer(g.value)
            let rm = UnsafeMutableRawPointer(mp.value), rv = UnsafeMutableRawPointer(vp.value)
            var i = range.lowerBound
            while i + 16 <= range.upperBound {
                let o = i * 4
                let gv = rg.loadUnaligned(fromByteOffset: o, as: Lanes.self)
                let mv = b1 * rm.loadUnaligned(fromByteOffset: o, as: Lanes.self) + (1 - b1) * gv
                let vv = b2 * rv.loadUnaligned(fromByteOffset: o, as: Lanes.self) + (1 - b2) * gv * gv
                rm.storeBytes(of: mv, toByteOffset: o, as: Lanes.self)
                rv.storeBytes(of: vv, toByteOffset: o, as: Lanes.self)
                let pv = rp.loadUnaligned(fromByteOffset: o, as: Lanes.self) - alpha * mv / (vv.squareRoot() + epsHat)
                rp.storeBytes(of: pv, toByteOffset: o, as: Lanes.self)
                i += 16
            }
            while i < range.upperBound {
                let gi = g.value[i]
                mp.value[i] = b1 * mp.value[i] + (1 - b1) * gi
                vp.value[i] = b2 * vp.value[i] + (1 - b2) * gi * gi
                p.value[i] -= alpha * mp.value[i] / (vp.value[i].squareRoot() + epsHat)
                i += 1
            }
        }
    }
}
