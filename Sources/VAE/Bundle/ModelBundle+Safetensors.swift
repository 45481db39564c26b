import Foundation

extension ModelBundle {
    /// The names of an export's tensors besides the layers (`TensorLayout.Role`, in
    /// PyTorch's nn.Linear orientation, out x in, with the encoder's output layer split
    /// into its two heads). docs/model-format.md lists them.
    public enum ExportName {
        public static let concepts = "concepts", projectionMean = "projection.mean", projectionAxes = "projection.axes"
    }

    /// The model as safetensors: every layer as a PyTorch-shaped tensor, the concept vectors
    /// (rows in the order of the metadata's `concepts`) and the projection, and in
    /// `__metadata__` the architecture, activation, dataset, class names, concepts, training
    /// record and metrics as JSON text (the format's metadata values are strings).
    public func safetensors() throws -> SafetensorsFile {
        try validate()
        let a = architecture, p = parameters
        let d = a.inputSize, h = a.hiddenSize, z = a.latentSize
        var file = SafetensorsFile()
        file.add(TensorLayout.Role.encoderHiddenWeight.rawValue, shape: [h, d], values: Self.transposed(p.w1.array, rows: d, columns: h))
        file.add(TensorLayout.Role.encoderHiddenBias.rawValue, shape: [h], values: p.b1.array)
        let w2 = p.w2.array, b2 = p.b2.array
        // w2 is h x 2z, its columns [mu | logvar]: each head is h x z before the transpose.
        func head(_ first: Int) -> [Float] {
            var out: [Float] = []
            out.reserveCapacity(h * z)
            for r in 0..<h { out.append(contentsOf: w2[(r * 2 * z + first)..<(r * 2 * z + first + z)]) }
            return out
        }
        file.add(TensorLayout.Role.encoderMeanWeight.rawValue, shape: [z, h], values: Self.transposed(head(0), rows: h, columns: z))
        file.add(TensorLayout.Role.encoderMeanBias.rawValue, shape: [z], values: Array(b2[0..<z]))
        file.add(TensorLayout.Role.encoderLogVarianceWeight.rawValue, shape: [z, h], values: Self.transposed(head(z), rows: h, columns: z))
        file.add(TensorLayout.Role.encoderLogVarianceBias.rawValue, shape: [z], values: Array(b2[z..<(2 * z)]))
        file.add(TensorLayout.Role.decoderHiddenWeight.rawValue, shape: [h, z], values: Self.transposed(p.w3.array, rows: z, columns: h))
        file.add(TensorLayout.Role.decoderHiddenBias.rawValue, shape: [h], values: p.b3.array)
        file.add(TensorLayout.Role.decoderOutputWeight.rawValue, shape: [d, h], values: Self.transposed(p.w4.array, rows: h, columns: d))
        file.add(TensorLayout.Role.decoderOutputBias.rawValue, shape: [d], values: p.b4.array)
        if !conceptVectors.isEmpty { file.add(ExportName.concepts, shape: [conceptVectors.count, z], values: conceptVectors.flatMap { $0 }) }
        if !projectionMean.isEmpty {
            file.add(ExportName.projectionMean, shape: [z], values: projectionMean)
            file.add(ExportName.projectionAxes, shape: [projectionAxes.count, z], values: projectionAxes.flatMap { $0 })
        }
        func text<T: Encodable>(_ value: T) throws -> String {
            let json = JSONEncoder()
            json.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try json.encode(value), as: UTF8.self)
        }
        file.metadata = [
            "format": "vaedyn-vae", "id": description.id, "dataset": description.dataset, "activation": a.activation.rawValue, "likelihood": "bernoulli",
            "architecture": try text(a), "classNames": try text(description.classNames), "concepts": try text(description.concepts),
        ]
        if let training = description.training { file.metadata["training"] = try text(training) }
        if let metrics = description.metrics { file.metadata["metrics"] = try text(metrics) }
        if let tree = description.conceptTree { file.metadata["conceptTree"] = try text(tree) }
        if let imported = description.imported { file.metadata["imported"] = try text(imported) }
        return file
    }

    /// rows x columns, row-major, to columns x rows.
    static func transposed(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(values.count == rows * columns)
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = values[r * columns + c] } }
        return out
    }
}

extension ModelBundle {
    /// Takes the concepts, tree and projection of our own export in place of the ones just
    /// computed from the data, when they are the same weights' (every class concept within
    /// `tolerance` of its recomputation, relative to the concepts' largest coordinate): the
    /// recomputation differs from training's in the last bits (its batches are cut
    /// differently), so keeping the file's makes export-then-import give identical records,
    /// and keeps a tree built with `vaedyn tree`. Returns false, changing nothing, when the
    /// file has no concepts of ours or they disagree (weights changed since the export).
    public mutating func adoptConcepts(of file: SafetensorsReader, tolerance: Float = 1e-4) -> Bool {
        let z = architecture.latentSize
        guard let text = file.metadata["concepts"], let infos = try? JSONDecoder().decode([ConceptInfo].self, from: Data(text.utf8)),
              let flat = try? file.floats(ExportName.concepts), file.entries[ExportName.concepts]?.shape == [infos.count, z] else { return false }
        var tree: ConceptTreeInfo?
        if let text = file.metadata["conceptTree"] {
            guard let decoded = try? JSONDecoder().decode(ConceptTreeInfo.self, from: Data(text.utf8)) else { return false }
            tree = decoded
        } else if !Set(infos.map(\.level)).isSubset(of: Set(ConceptTreeInfo.paper.levels)) {
            return false  // groups whose tree record the export did not carry
        }
        let rows = (0..<infos.count).map { Array(flat[($0 * z)..<(($0 + 1) * z)]) }
        let scale = max(conceptVectors.joined().map(abs).max() ?? 0, 1e-6)
        for (k, c) in description.concepts.enumerated() where c.level == ConceptTreeInfo.classLevel {
            guard let i = infos.firstIndex(where: { $0.id == c.id && $0.level == c.level }),
                  zip(rows[i], conceptVectors[k]).allSatisfy({ abs($0 - $1) <= tolerance * scale }) else { return false }
        }
        var adopted = self
        adopted.description.concepts = infos
        adopted.description.conceptTree = tree
        adopted.conceptVectors = rows
        if let mean = try? file.floats(ExportName.projectionMean), let axes = try? file.floats(ExportName.projectionAxes),
           mean.count == z, axes.count % z == 0 {
            adopted.projectionMean = mean
            adopted.projectionAxes = (0..<(axes.count / z)).map { Array(axes[($0 * z)..<(($0 + 1) * z)]) }
        }
        guard (try? adopted.validate()) != nil else { return false }
        self = adopted
        return true
    }
}
