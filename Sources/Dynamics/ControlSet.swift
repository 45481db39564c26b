import VAE

/// For every reference of a run, a control point: a point of the same norm as the
/// reference, in a fixed pseudo-random direction within the model's active latent units.
///
/// Why: along a chain the encoder mean's norm changes, and every concept sits at a similar
/// distance from the origin, so a state whose norm shrinks comes nearer to every concept
/// whether or not it is drawn to any. A control of the same norm but no meaning is
/// approached by exactly that much; what a concept gains beyond its control is what the
/// concept itself explains. The direction depends only on the reference's id (its
/// FNV-1a hash seeds a `RandomStream`; a Gaussian vector on the active units, normalised),
/// so a model's controls are the same in every run, shard and process.
public struct ControlSet: Sendable {
    /// Ids of the controls are the reference's with this prefix ("control:class-6").
    public static let prefix = "control:"

    public let infos: [ControlInfo]
    /// The control points as references (in the order of the run's references), so that a
    /// `DistanceTable` measures them as it measures the concepts.
    public let points: ReferenceSet
    /// The latent units the directions lie in.
    public let units: [Int]

    public init(references: ReferenceSet, units: [Int]) {
        let z = references.latentSize
        var vectors = [Float](), infos = [ControlInfo]()
        for (r, info) in references.infos.enumerated() {
            var norm = 0.0
            for j in 0..<z { norm += Double(references.vectors[r * z + j]) * Double(references.vectors[r * z + j]) }
            let direction = Self.direction(of: info.id, units: units, latentSize: z)
            vectors += direction.map { Float(Double($0) * norm.squareRoot()) }
            infos.append(ControlInfo(id: Self.prefix + info.id, of: info.id, norm: Float(norm.squareRoot())))
        }
        self.infos = infos
        self.units = units
        points = ReferenceSet(infos: infos.map { ReferenceInfo(id: $0.id, label: "control", level: "control", parent: nil) },
                              vectors: vectors, latentSize: z)
    }

    /// A unit vector of `latentSize` floats, zero outside `units` (all units when empty).
    public static func direction(of id: String, units: [Int], latentSize z: Int) -> [Float] {
        let units = units.isEmpty ? Array(0..<z) : units
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var stream = RandomStream(seed: hash)
        var v = [Double](repeating: 0, count: z)
        var norm = 0.0
        for j in units {
            v[j] = Double(stream.gaussianPair().0)
            norm += v[j] * v[j]
        }
        return v.map { Float($0 / norm.squareRoot()) }
    }
}

/// A control as the start record lists it: its id, the reference it stands beside, and
/// the norm the two share.
public struct ControlInfo: Codable, Sendable, Equatable {
    public var id: String
    public var of: String
    public var norm: Float
}
