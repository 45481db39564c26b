/// Dynamic binarisation: each pixel becomes 1 with probability intensity = byte / 255,
/// drawn afresh every time an image is used.
public struct Binarizer: Sendable {
    /// thresholds[b] = ceil(b / 255 * 2^24): a 24-bit uniform k gives 1 when k < thresholds[b].
    private let thresholds: [UInt32] = (0...255).map { UInt32((UInt64($0) << 24 + 254) / 255) }

    public init() {}

    public func binarize(_ bytes: UnsafeBufferPointer<UInt8>, count: Int, into outView: FloatView, rng: inout RandomStream) {
        checkBounds(count <= bytes.count, "\(count) pixels from \(bytes.count)")
        let out = outView.pointer(count)
        thresholds.withUnsafeBufferPointer { t in
            var i = 0
            while i + 1 < count {
                let r = rng.next()
                out[i] = UInt32(r >> 40) < t[Int(bytes[i])] ? 1 : 0
                out[i + 1] = UInt32((r >> 8) & 0xFF_FFFF) < t[Int(bytes[i + 1])] ? 1 : 0
                i += 2
            }
            if i < count { out[i] = UInt32(rng.next() >> 40) < t[Int(bytes[i])] ? 1 : 0 }
        }
    }

    /// Binarises a whole image set once with a fixed stream (evaluation sets).
    public func binarize(_ set: ImageSet, seed: UInt64) -> FloatBuffer {
        let out = FloatBuffer(count: set.pixels.count)
        var rng = RandomStream(seed: seed, stream: 0xB1A5)
        set.pixels.withUnsafeBufferPointer { binarize($0, count: set.pixels.count, into: out.view, rng: &rng) }
        return out
    }
}
