import Foundation

extension Parameters {
    /// The weights of a VAE trained elsewhere, read from `file` through `layout`.
    /// The sizes come from the encoder's hidden and mean weights; every other tensor must
    /// agree with them. Throws, naming the tensor by its name in the file and its role, for
    /// a tensor that is missing, of the wrong shape, not floating point, or not finite.
    public static func imported(from file: SafetensorsReader, layout: TensorLayout, activation: Activation) throws -> Parameters {
        typealias Role = TensorLayout.Role
        func label(_ role: Role) -> String {
            let name = layout.tensors[role]!
            return name == role.rawValue ? "'\(name)'" : "'\(name)' (\(role.rawValue))"
        }
        func entry(_ role: Role) throws -> SafetensorsReader.Entry {
            guard let e = file.entries[layout.tensors[role]!] else {
                let present = file.entries.keys.sorted()
                throw SafetensorsReader.Failure("the file has no tensor \(label(role)), which the layout '\(layout.name)' reads; it holds "
                                                + (present.isEmpty ? "no tensors" : present.prefix(20).joined(separator: ", ") + (present.count > 20 ? ", ..." : "")))
            }
            return e
        }
        // A weight's stored shape, as (outputs, inputs) whatever the orientation.
        func sizes(_ role: Role) throws -> (outputs: Int, inputs: Int) {
            let shape = try entry(role).shape
            guard shape.count == 2 else { throw SafetensorsReader.Failure("tensor \(label(role)) has shape \(shape); a weight is a matrix") }
            return layout.orientation == .outIn ? (shape[0], shape[1]) : (shape[1], shape[0])
        }
        let first = try sizes(.encoderHiddenWeight), mean = try sizes(.encoderMeanWeight)
        let d = first.inputs, h = first.outputs, z = mean.outputs
        guard d > 0, h > 0, z > 0, d <= ModelBundle.maximumInputSize, h <= ModelBundle.maximumHiddenSize, z <= ModelBundle.maximumLatentSize else {
            throw SafetensorsReader.Failure("the sizes \(d)-\(h)-\(z) read from \(label(.encoderHiddenWeight)) and \(label(.encoderMeanWeight)) are out of range")
        }
        let expected: [Role: (shape: (outputs: Int, inputs: Int)?, length: Int, meaning: String)] = [
            .encoderHiddenWeight: ((h, d), h * d, "hidden x input"), .encoderHiddenBias: (nil, h, "hidden"),
            .encoderMeanWeight: ((z, h), z * h, "latent x hidden"), .encoderMeanBias: (nil, z, "latent"),
            .encoderLogVarianceWeight: ((z, h), z * h, "latent x hidden"), .encoderLogVarianceBias: (nil, z, "latent"),
            .decoderHiddenWeight: ((h, z), h * z, "hidden x latent"), .decoderHiddenBias: (nil, h, "hidden"),
            .decoderOutputWeight: ((d, h), d * h, "input x hidden"), .decoderOutputBias: (nil, d, "input"),
        ]
        var values: [Role: [Float]] = [:]
        for role in Role.allCases {
            let want = expected[role]!
            let shape = try entry(role).shape
            let ok: Bool
            if let w = want.shape {
                let s = try sizes(role)
                ok = s.outputs == w.outputs && s.inputs == w.inputs
            } else {
                ok = shape == [want.length]
            }
            guard ok else {
                let stored = want.shape.map { layout.orientation == .outIn ? [$0.outputs, $0.inputs] : [$0.inputs, $0.outputs] } ?? [want.length]
                let words = layout.orientation == .outIn ? "out x in" : "in x out"
                throw SafetensorsReader.Failure("tensor \(label(role)) has shape \(shape); expected \(stored) (\(want.meaning)"
                                                + (want.shape == nil ? "" : ", \(words)") + ") for the sizes \(d)-\(h)-\(z) of the encoder's hidden and mean weights")
            }
            let v: [Float]
            do { v = try file.floats(layout.tensors[role]!) } catch let failure as SafetensorsReader.Failure {
                throw SafetensorsReader.Failure("\(failure.description) (\(role.rawValue))")
            }
            if let i = v.firstIndex(where: { !$0.isFinite }) {
                let place = want.shape.map { _ in "[\(i / shape[1]), \(i % shape[1])]" } ?? "[\(i)]"
                throw SafetensorsReader.Failure("tensor \(label(role)) holds \(v[i]) at \(place); every weight must be finite")
            }
            values[role] = v
        }
        // Our blocks are inputs x outputs (y = x W + b).
        func inOut(_ role: Role) -> [Float] {
            let (outputs, inputs) = expected[role]!.shape!
            return layout.orientation == .inOut ? values[role]! : ModelBundle.transposed(values[role]!, rows: outputs, columns: inputs)
        }
        let p = Parameters(Architecture(inputSize: d, hiddenSize: h, latentSize: z, activation: activation))
        p.w1.update(from: inOut(.encoderHiddenWeight))
        p.b1.update(from: values[.encoderHiddenBias]!)
        // w2 is h x 2z, its columns [mu | logvar].
        let mu = inOut(.encoderMeanWeight), logvar = inOut(.encoderLogVarianceWeight)
        var w2 = [Float](repeating: 0, count: h * 2 * z)
        for r in 0..<h {
            for c in 0..<z {
                w2[r * 2 * z + c] = mu[r * z + c]
                w2[r * 2 * z + z + c] = logvar[r * z + c]
            }
        }
        p.w2.update(from: w2)
        p.b2.update(from: values[.encoderMeanBias]! + values[.encoderLogVarianceBias]!)
        p.w3.update(from: inOut(.decoderHiddenWeight))
        p.b3.update(from: values[.decoderHiddenBias]!)
        p.w4.update(from: inOut(.decoderOutputWeight))
        p.b4.update(from: values[.decoderOutputBias]!)
        return p
    }
}
