/// h = tanh(a), in place; the backward pass needs only h: da = dh * (1 - h^2).
public enum TanhLayer {
    public static func forward(_ a: FloatView, count: Int) {
        VectorMath.tanh(a, a, count: count)
    }

    /// Overwrites `gradient` (dh on entry) with da.
    public static func backward(activation hv: FloatView, gradient gv: FloatView, count: Int) {
        let h = hv.reading(count), gradient = gv.pointer(count)
        let rh = UnsafeRawPointer(h), rg = UnsafeMutableRawPointer(gradient)
        var i = 0
        while i + 16 <= count {
            let hv = rh.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
            let g = rg.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self)
            rg.storeBytes(of: g * (1 - hv * hv), toByteOffset: i * 4, as: Lanes.self)
            i += 16
        }
        while i < count {
            gradient[i] *= 1 - h[i] * h[i]
            i += 1
        }
    }
}
