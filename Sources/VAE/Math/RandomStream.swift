import Foundation

/// A deterministic pseudo-random stream (xoshiro256**, seeded through SplitMix64).
///
/// Streams are derived from (seed, stream index), so that each chain or each epoch has
/// its own independent sequence that does not depend on how many others exist.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        var mix = RandomStream.splitMix(seed ^ RandomStream.splitMix(stream &+ 0x632B_E59B_D9B4_E019))
        s0 = RandomStream.splitMix(&mix)
        s1 = RandomStream.splitMix(&mix)
        s2 = RandomStream.splitMix(&mix)
        s3 = RandomStream.splitMix(&mix)
    }

    private static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state = splitMix(state)
        return state
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func uniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Standard normal pairs by the polar method (no trigonometry, one log per pair).
    @inline(__always)
    public mutating func gaussianPair() -> (Float, Float) {
        while true {
            let a = next()
            let u = Float(a >> 40) * 0x1p-23 - 1
            let v = Float((a >> 8) & 0xFF_FFFF) * 0x1p-23 - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = VectorMath.squareRoot(-2 * Foundation.log(s) / s)
                return (u * f, v * f)
            }
        }
    }

    public mutating func fillGaussian(_ view: FloatView, count: Int) {
        let out = view.pointer(count)
        var i = 0
        while i + 1 < count {
            (out[i], out[i + 1]) = gaussianPair()
            i += 2
        }
        if i < count { out[i] = gaussianPair().0 }
    }

    /// out[i] = 1 with probability p[i], else 0.
    public mutating func fillBernoulli(probabilities pv: FloatView, _ outView: FloatView, count: Int) {
        let p = pv.reading(count), out = outView.pointer(count)
        var i = 0
        while i + 1 < count {
            let r = next()
            out[i] = Float(r >> 40) * 0x1p-24 < p[i] ? 1 : 0
            out[i + 1] = Float((r >> 8) & 0xFF_FFFF) * 0x1p-24 < p[i + 1] ? 1 : 0
            i += 2
        }
        if i < count { out[i] = uniform() < p[i] ? 1 : 0 }
    }
}
