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

    /// One step with the gradient given as the sum of `gradients` (one buffer per shard),
    /// added in a fixed order as they are read.
    public func update(_ parameters: FloatBuffer, gradients: [FloatBuffer]) {
        precondition(parameters.count == m.count && gradients.allSatisfy { $0.count == m.count } && !gradients.isEmpty)
        step += 1
        let b1 = beta1, b2 = beta2
        let t = Float(step)
        // Bias corrections folded into the step size and epsilon.
        let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
        let alpha = learningRate * c2.squareRoot() / c1
        let epsHat = epsilon * c2.squareRoot()
        let p = UnsafeSendable(parameters.pointer), g = UnsafeSendable(gradients.map { UnsafePointer($0.pointer) })
        let mp = UnsafeSendable(m.pointer), vp = UnsafeSendable(v.pointer)
        let split = Parallel.shards(m.count, minimum: 1 << 14, alignment: 16)
        Parallel.forEachShard(split) { _, range in
            let rp = UnsafeMutableRawPointer(p.value), rm = UnsafeMutableRawPointer(mp.value), rv = UnsafeMutableRawPointer(vp.value)
            let sources = g.value.map { UnsafeRawPointer($0) }
            var i = range.lowerBound
            while i + 16 <= range.upperBound {
                let o = i * 4
                var gv = sources[0].loadUnaligned(fromByteOffset: o, as: Lanes.self)
                for s in sources.dropFirst() { gv += s.loadUnaligned(fromByteOffset: o, as: Lanes.self) }
                let mv = b1 * rm.loadUnaligned(fromByteOffset: o, as: Lanes.self) + (1 - b1) * gv
                let vv = b2 * rv.loadUnaligned(fromByteOffset: o, as: Lanes.self) + (1 - b2) * gv * gv
                rm.storeBytes(of: mv, toByteOffset: o, as: Lanes.self)
                rv.storeBytes(of: vv, toByteOffset: o, as: Lanes.self)
                let pv = rp.loadUnaligned(fromByteOffset: o, as: Lanes.self) - alpha * mv / (vv.squareRoot() + epsHat)
                rp.storeBytes(of: pv, toByteOffset: o, as: Lanes.self)
                i += 16
            }
            while i < range.upperBound {
                let gi = g.value.reduce(Float(0)) { $0 + $1[i] }
                mp.value[i] = b1 * mp.value[i] + (1 - b1) * gi
                vp.value[i] = b2 * vp.value[i] + (1 - b2) * gi * gi
                p.value[i] -= alpha * mp.value[i] / (vp.value[i].squareRoot() + epsHat)
                i += 1
            }
        }
    }
}
