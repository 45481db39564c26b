import VAE

/// q(z | x) of a clean input, from its grey levels (byte / 255): the expected input, free of
/// the noise one binary draw would add, as the input's own reference (`self`) is computed.
/// What `vaedyn encode` prints, so that a user can place their own images among the concepts.
public struct Encoding: Codable, Sendable, Equatable {
    public var mean: [Float]
    public var logVariance: [Float]
}

extension DynamicsModel {
    /// The encodings of `images` (D bytes each), in batches; the network is row-invariant,
    /// so an image's encoding does not depend on the others.
    public func encodings(of images: [[UInt8]]) -> [Encoding] {
        let d = architecture.inputSize, z = architecture.latentSize, batch = 256
        let ws = Workspace(architecture, capacity: min(batch, max(images.count, 1)))
        var out: [Encoding] = []
        out.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let rows = images[start..<min(start + batch, images.count)]
            let x = FloatBuffer(rows.flatMap { image in
                precondition(image.count == d, "an image of \(image.count) pixels for a model of \(d)")
                return image.map { Float($0) / 255 }
            })
            network.encode(x.view, rows: rows.count, workspace: ws)
            for r in 0..<rows.count {
                let e = (ws.encoderOutput.view + r * 2 * z).prefix(2 * z).array
                out.append(Encoding(mean: Array(e[..<z]), logVariance: Array(e[z...])))
            }
            start += rows.count
        }
        return out
    }
}
