import VAE

/// How the input x0 is corrupted before the chain starts, with ratio p in [0, 1].
public struct NoiseModel: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Each pixel, with probability p, takes a random value (a random bit for binary images).
        case replace
        /// Each binary pixel is inverted with probability p.
        case flip
        /// Each pixel, with probability p, becomes 0 or 1 (even odds).
        case saltPepper = "salt-pepper"
        /// Additive N(0, p^2) noise, clipped to [0, 1].
        case gaussian
    }

    public var kind: Kind
    public var ratio: Float

    /// Throws on a ratio outside [0, 1] (or not a number): a clamp would silently run
    /// another experiment than the one asked for.
    public init(kind: Kind, ratio: Float) throws {
        guard ratio.isFinite, ratio >= 0, ratio <= 1 else {
            throw DynamicsError("noise ratio must be in [0, 1], got \(ratio)")
        }
        self.kind = kind
        self.ratio = ratio
    }

    /// Parses `kind:ratio`, e.g. `replace:0.2` or `salt-pepper:0.1`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw DynamicsError("noise must be KIND:RATIO (e.g. replace:0.2), got '\(text)'") }
        guard let kind = Kind(rawValue: String(parts[0])) else {
            throw DynamicsError("unknown noise kind '\(parts[0])'; known: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let ratio = Float(parts[1]) else { throw DynamicsError("noise ratio '\(parts[1])' is not a number") }
        try self.init(kind: kind, ratio: ratio)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(kind: c.decode(Kind.self, forKey: .kind), ratio: c.decode(Float.self, forKey: .ratio))
    }

    public var description: String { "\(kind.rawValue):\(ratio)" }

    /// Checks that this noise applies to images of the given kind.
    public func validate(binaryImages: Bool) throws {
        if kind == .flip && !binaryImages {
            throw DynamicsError("flip noise needs binary images; binarise the input or choose replace, salt-pepper or gaussian")
        }
    }

    /// Corrupts `count` pixels in place with draws from `rng`.
    public func apply(to view: FloatView, count: Int, binary: Bool, rng: inout RandomStream) {
        guard ratio > 0 else { return }
        let x = view.pointer(count)
        switch kind {
        case .replace:
            for i in 0..<count where rng.uniform() < ratio {
                x[i] = binary ? (rng.uniform() < 0.5 ? 0 : 1) : rng.uniform()
            }
        case .flip:
            for i in 0..<count where rng.uniform() < ratio { x[i] = 1 - x[i] }
        case .saltPepper:
            for i in 0..<count where rng.uniform() < ratio { x[i] = rng.uniform() < 0.5 ? 0 : 1 }
        case .gaussian:
            for i in 0..<count {
                x[i] = min(1, max(0, x[i] + ratio * rng.gaussianPair().0))
            }
        }
    }
}
