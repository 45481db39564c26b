/// Vectorised elementwise functions.
///
/// glibc's scalar `tanhf`/`expf` cost 16-20 ns an element here, more than the matrix
/// products of a chain step, so these use 16-lane SIMD with a polynomial exp and log.
/// Measured against Double references in the tests: exp and log within 3 ulp, tanh and
/// sigmoid within 3e-7 absolute.
import CSIMDMath

public typealias Lanes = SIMD16<Float>

public enum VectorMath {
    /// Correctly rounded square root, as two vsqrtps (see the CSIMDMath shim for why not
    /// `Lanes.squareRoot()`).
    @inline(__always)
    public static func squareRoot(_ x: Lanes) -> Lanes { vaedyn_sqrt16(x) }

    @inline(__always)
    public static func squareRoot(_ x: Float) -> Float { vaedyn_sqrtf(x) }

    /// 1.5 * 2^23: a float whose unit in the last place is 1, and its bit pattern.
    /// Computed, not stored: a static let is a lazy global, and every use then called
    /// swift_once, which spilled the vectors and kept tanh from being inlined into its loop.
    @inline(__always) static var magic: Lanes { Lanes(repeating: 12_582_912) }
    @inline(__always) static var magicBits: SIMD16<Int32> { SIMD16<Int32>(repeating: 0x4B40_0000) }

    /// exp(x) = 2^n * exp(r) with x = n ln2 + r, |r| <= ln2/2, and a degree-6 Taylor
    /// polynomial for exp(r) (its truncation error is below 2e-7 relative there).
    @inline(__always)
    public static func exp(_ xIn: Lanes) -> Lanes {
        // replace(with:where:) compiles to vminps/vmaxps; clamped() and pointwiseMin() are
        // left as calls by the optimiser, which costs more than the whole polynomial.
        var x = xIn
        x.replace(with: Lanes(repeating: -87.3), where: x .< Lanes(repeating: -87.3))
        x.replace(with: Lanes(repeating: 88.3), where: x .> Lanes(repeating: 88.3))
        // Adding 1.5 * 2^23 rounds to an integer and leaves it in the low mantissa bits,
        // which avoids the generic (and here unspecialised) float-to-int SIMD conversion.
        let shifted = x * 1.442695040888963 + magic
        let n = shifted - magic
        // ln2 split in two so that n * ln2High is exact in float.
        var r = x.addingProduct(n, Lanes(repeating: -0.693359375))
        r = r.addingProduct(n, Lanes(repeating: 2.12194440e-4))
        var p = Lanes(repeating: 1.0 / 720)
        p = Lanes(repeating: 1.0 / 120).addingProduct(p, r)
        p = Lanes(repeating: 1.0 / 24).addingProduct(p, r)
        p = Lanes(repeating: 1.0 / 6).addingProduct(p, r)
        p = Lanes(repeating: 0.5).addingProduct(p, r)
        p = Lanes(repeating: 1).addingProduct(p, r)
        p = Lanes(repeating: 1).addingProduct(p, r)
        let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- magicBits &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Lanes.self)
    }

    /// Natural log for positive normal floats: x = m * 2^e with m in [sqrt(1/2), sqrt(2)),
    /// log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.172, odd series to s^9.
    @inline(__always)
    public static func log(_ x: Lanes) -> Lanes {
        let bits = unsafeBitCast(x, to: SIMD16<Int32>.self)
        var e = (bits &>> 23) &- 127
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: Lanes.self)
        let big = m .> Lanes(repeating: 1.41421356)
        m.replace(with: m * 0.5, where: big)
        e.replace(with: e &+ 1, where: big)
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var p = Lanes(repeating: 1.0 / 9)
        p = Lanes(repeating: 1.0 / 7).addingProduct(p, s2)
        p = Lanes(repeating: 1.0 / 5).addingProduct(p, s2)
        p = Lanes(repeating: 1.0 / 3).addingProduct(p, s2)
        p = Lanes(repeating: 1).addingProduct(p, s2)
        let exponent = unsafeBitCast(e &+ magicBits, to: Lanes.self) - magic
        return (2 * s * p).addingProduct(exponent, Lanes(repeating: 0.6931471805599453))
    }

    @inline(__always)
    public static func tanh(_ x: Lanes) -> Lanes {
        // tanh is odd: compute on |x| (where exp cannot overflow to inf/inf) and copy the sign.
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let t = 1 - 2 / (exp(2 * abs(x)) + 1)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD16<UInt32>.self) | (bits & 0x8000_0000), to: Lanes.self)
    }

    @inline(__always)
    public static func sigmoid(_ x: Lanes) -> Lanes {
        1 / (1 + exp(-x))
    }

    /// log(1 + e^x), written so that neither branch overflows.
    @inline(__always)
    public static func softplus(_ x: Lanes) -> Lanes {
        let positive = x.replacing(with: 0, where: x .< 0)
        return positive + log(1 + exp(-abs(x)))
    }

    @inline(__always)
    static func abs(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: Lanes.self)
    }

    /// Applies `f` to `count` floats from `input` into `output` (which may be the same
    /// memory); the tail shorter than 16 lanes goes through a padded vector. `f` has one
    /// call site: with two (loop and tail) the optimiser left tanh as a call per vector,
    /// its 16 lanes passed through four xmm registers.
    @inline(__always)
    public static func map(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
        _ f: (Lanes) -> Lanes
    ) {
        var i = 0
        let rawIn = UnsafeRawPointer(input)
        let rawOut = UnsafeMutableRawPointer(output)
        while i < count {
            let whole = i + 16 <= count
            var v = Lanes()
            if whole {
                v = rawIn.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
            } else {
                for j in 0..<(count - i) { v[j] = input[i + j] }
            }
            let r = f(v)
            if whole {
                rawOut.storeBytes(of: r, toByteOffset: i * 4, as: Lanes.self)
            } else {
                for j in 0..<(count - i) { output[i + j] = r[j] }
            }
            i += 16
        }
    }

    public static func tanh(_ input: FloatView, _ output: FloatView, count: Int) {
        map(input.reading(count), output.pointer(count), count: count) { tanh($0) }
    }

    public static func sigmoid(_ input: FloatView, _ output: FloatView, count: Int) {
        map(input.reading(count), output.pointer(count), count: count) { sigmoid($0) }
    }

    public static func exp(_ input: FloatView, _ output: FloatView, count: Int) {
        map(input.reading(count), output.pointer(count), count: count) { exp($0) }
    }
}
