/// The hidden layers' nonlinearity. The paper's VAE uses tanh; ReLU is what imported
/// models trained elsewhere often use (the VAE of pytorch/examples). Both backward passes
/// need only the activation h, not the pre-activation, so the workspace keeps h alone.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case tanh, relu

    /// h = f(a), in place.
    public func forward(_ a: FloatView, count: Int) {
        switch self {
        case .tanh: VectorMath.tanh(a, a, count: count)
        case .relu: VectorMath.map(a.reading(count), a.pointer(count), count: count) { $0.replacing(with: 0, where: $0 .< 0) }
        }
    }

    /// Overwrites `gradient` (dh on entry) with da: dh (1 - h^2) for tanh, dh [h > 0] for ReLU.
    public func backward(activation hv: FloatView, gradient gv: FloatView, count: Int) {
        let h = hv.reading(count), gradient = gv.pointer(count)
        switch self {
        case .tanh: Self.scale(gradient, by: h, count: count) { g, h in g * (1 - h * h) }
        case .relu: Self.scale(gradient, by: h, count: count) { g, h in g.replacing(with: 0, where: h .<= 0) }
        }
    }

    /// gradient = f(gradient, h) lane by lane; the tail shorter than 16 lanes goes through
    /// padded vectors (zeros, whose results are dropped).
    @inline(__always)
    private static func scale(_ gradient: UnsafeMutablePointer<Float>, by h: UnsafePointer<Float>, count: Int,
                              _ f: (Lanes, Lanes) -> Lanes) {
        let rh = UnsafeRawPointer(h), rg = UnsafeMutableRawPointer(gradient)
        var i = 0
        while i + 16 <= count {
            let r = f(rg.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self), rh.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self))
            rg.storeBytes(of: r, toByteOffset: i * 4, as: Lanes.self)
            i += 16
        }
        guard i < count else { return }
        var g = Lanes(), hv = Lanes()
        for j in 0..<(count - i) { g[j] = gradient[i + j]; hv[j] = h[i + j] }
        let r = f(g, hv)
        for j in 0..<(count - i) { gradient[i + j] = r[j] }
    }
}
