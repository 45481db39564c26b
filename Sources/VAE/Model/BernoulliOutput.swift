/// The decoder's Bernoulli likelihood on logits l: -log p(x|z) = sum softplus(l) - x l
/// (cross-entropy with logits, stable for any l).
public enum BernoulliOutput {
    /// One negative log-likelihood a row.
    public static func negativeLogLikelihood(
        logits lv: FloatView, targets xv: FloatView,
        rows: Int, columns: Int, into outv: FloatView
    ) {
        let l = lv.reading(rows * columns), x = xv.reading(rows * columns), out = outv.pointer(rows)
        for r in 0..<rows {
            let lr = UnsafeRawPointer(l + r * columns), xr = UnsafeRawPointer(x + r * columns)
            var acc = Lanes()
            var c = 0
            while c + 16 <= columns {
                let lv = lr.loadUnaligned(fromByteOffset: c * 4, as: Lanes.self)
                let xv = xr.loadUnaligned(fromByteOffset: c * 4, as: Lanes.self)
                acc += VectorMath.softplus(lv) - xv * lv
                c += 16
            }
            var sum = acc.sum()
            while c < columns {
                let lv = l[r * columns + c], xv = x[r * columns + c]
                var tail = Lanes(repeating: 0)
                tail[0] = lv
                sum += VectorMath.softplus(tail)[0] - xv * lv
                c += 1
            }
            out[r] = sum
        }
    }

    /// d/dl of scale * NLL = scale * (sigmoid(l) - x), written over `gradient`.
    public static func backward(
        logits lv: FloatView, targets xv: FloatView, count: Int, scale: Float,
        into gradientView: FloatView
    ) {
        let x = xv.reading(count), gradient = gradientView.pointer(count)
        VectorMath.sigmoid(lv, gradientView, count: count)
        let rg = UnsafeMutableRawPointer(gradient), rx = UnsafeRawPointer(x)
        var i = 0
        while i + 16 <= count {
            let s = rg.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
            let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
            rg.storeBytes(of: (s - xv) * scale, toByteOffset: i * 4, as: Lanes.self)
            i += 16
        }
        while i < count {
            gradient[i] = (gradient[i] - x[i]) * scale
            i += 1
        }
    }
}
