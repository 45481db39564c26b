import VAE

/// The pixels of the input an imputation chain does not see: they start at 0 and the
/// `clamped` and `mwg` kernels fill them in, holding every other pixel at its value in x(0).
///
/// Every form names the *hidden* pixels, so that a request says what it erases:
/// `top-half`, `bottom-half`, `left-half`, `right-half`; `random:F` or `random:F:SEED` (a
/// fraction F of the pixels, exactly round(F * D), chosen by a shuffle drawn from SEED,
/// default 1, not from the chains' seed, so that every trial and run sees the same mask);
/// `square:X,Y,W,H` (W x H pixels from column X, row Y); a list of pixel indices; or an
/// image whose pixels of at least 128 are hidden (decoded by the service).
public struct ImputationMask: Sendable, Equatable, CustomStringConvertible {
    /// A mask as requests and records give it, before it meets a model's pixel count.
    public enum Form: Sendable, Equatable, Codable, CustomStringConvertible {
        /// `top-half`, `random:F[:SEED]`, `square:X,Y,W,H`, ...
        case named(String)
        /// The hidden pixels' indices (what an image mask becomes).
        case indices([Int])

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let text = try? c.decode(String.self) { self = .named(text) } else { self = .indices(try c.decode([Int].self)) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .named(let text): try c.encode(text)
            case .indices(let list): try c.encode(list)
            }
        }

        public var description: String {
            switch self {
            case .named(let text): text
            case .indices(let list): "\(list.count) listed pixels"
            }
        }
    }

    /// One flag a pixel, row-major: true where hidden.
    public let hidden: [Bool]
    /// The form, normalised (`random:0.5` becomes `random:0.5:1`).
    public let form: Form

    /// Throws DynamicsError when the form is malformed, names pixels the model does not
    /// have, or hides none.
    public init(_ form: Form, pixels: Int) throws {
        switch form {
        case .named(let text): try self.init(parsing: text, pixels: pixels)
        case .indices(let list): try self.init(hiddenIndices: list, pixels: pixels)
        }
    }

    public init(hiddenIndices: [Int], pixels: Int) throws {
        var hidden = [Bool](repeating: false, count: pixels)
        for i in hiddenIndices {
            guard (0..<pixels).contains(i) else { throw DynamicsError("mask index \(i) is not a pixel (0...\(pixels - 1))") }
            guard !hidden[i] else { throw DynamicsError("mask index \(i) is listed twice") }
            hidden[i] = true
        }
        try self.init(hidden: hidden, form: .indices(hiddenIndices))
    }

    /// An image mask: pixels of at least 128 (white on a black image) are hidden.
    public init(image: [UInt8]) throws {
        try self.init(hiddenIndices: image.indices.filter { image[$0] >= 128 }, pixels: image.count)
    }

    /// The named halves of a square image (the page offers them; `square:X,Y,W,H` and
    /// `random:F[:SEED]` take parameters).
    public static let halves = ["top-half", "bottom-half", "left-half", "right-half"]

    private init(parsing text: String, pixels: Int) throws {
        let side = Int(Double(pixels).squareRoot().rounded())
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let geometric = Self.halves + ["square"]
        if geometric.contains(parts[0]), side * side != pixels {
            throw DynamicsError("mask '\(parts[0])' needs a square image; this model's \(pixels) pixels are not one")
        }
        let inside: (Int, Int) -> Bool   // (row, column) -> hidden
        switch (parts[0], parts.count) {
        case ("top-half", 1): inside = { r, _ in r < side / 2 }
        case ("bottom-half", 1): inside = { r, _ in r >= side / 2 }
        case ("left-half", 1): inside = { _, c in c < side / 2 }
        case ("right-half", 1): inside = { _, c in c >= side / 2 }
        case ("square", 2):
            let n = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard n.count == 4, let x = n[0], let y = n[1], let w = n[2], let h = n[3] else {
                throw DynamicsError("mask 'square' must be square:X,Y,W,H (whole numbers), got '\(text)'")
            }
            guard x >= 0, y >= 0, w >= 1, h >= 1, x + w <= side, y + h <= side else {
                throw DynamicsError("mask '\(text)' must lie inside the \(side) x \(side) image with W, H >= 1")
            }
            inside = { r, c in (y..<(y + h)).contains(r) && (x..<(x + w)).contains(c) }
        case ("random", 2), ("random", 3):
            guard let fraction = Double(parts[1]), fraction > 0, fraction <= 1 else {
                throw DynamicsError("mask 'random' must be random:F with 0 < F <= 1 (the fraction hidden), got '\(text)'")
            }
            guard let seed = parts.count == 3 ? UInt64(parts[2]) : 1 else {
                throw DynamicsError("mask 'random:F:SEED' needs a whole SEED >= 0, got '\(parts[2])'")
            }
            let hidden = Self.shuffled(pixels: pixels, hiding: Int((fraction * Double(pixels)).rounded()), seed: seed)
            try self.init(hidden: hidden, form: .named("random:\(parts[1]):\(seed)"))
            return
        default:
            throw DynamicsError("mask must be top-half, bottom-half, left-half, right-half, random:F[:SEED] or square:X,Y,W,H, got '\(text)'")
        }
        try self.init(hidden: (0..<pixels).map { inside($0 / side, $0 % side) }, form: .named(text))
    }

    private init(hidden: [Bool], form: Form) throws {
        guard hidden.contains(true) else { throw DynamicsError("mask hides no pixel") }
        self.hidden = hidden
        self.form = form
    }

    /// `count` of `pixels` hidden (at least one), by a Fisher-Yates shuffle of stream (seed, mask).
    private static func shuffled(pixels: Int, hiding count: Int, seed: UInt64) -> [Bool] {
        var order = Array(0..<pixels)
        var rng = RandomStream(seed: seed, stream: 0x3A5C)
        for i in stride(from: pixels - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var hidden = [Bool](repeating: false, count: pixels)
        for i in order.prefix(max(count, 1)) { hidden[i] = true }
        return hidden
    }

    public var hiddenIndices: [Int] { hidden.indices.filter { hidden[$0] } }
    public var hiddenCount: Int { hidden.lazy.filter { $0 }.count }
    public var description: String { form.description }
}
