import Foundation

extension ModelBundle {
    /// The tensor names of an export, with PyTorch's nn.Linear orientation (out x in) and
    /// the encoder's output layer split into its two heads. docs/model-format.md lists them.
    public enum ExportName {
        public static let encoderHiddenWeight = "encoder.hidden.weight", encoderHiddenBias = "encoder.hidden.bias"
        public static let encoderMeanWeight = "encoder.mean.weight", encoderMeanBias = "encoder.mean.bias"
        public static let encoderLogVarianceWeight = "encoder.logvar.weight", encoderLogVarianceBias = "encoder.logvar.bias"
        public static let decoderHiddenWeight = "decoder.hidden.weight", decoderHiddenBias = "decoder.hidden.bias"
        public static let decoderOutputWeight = "decoder.output.weight", decoderOutputBias = "decoder.output.bias"
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
        file.add(ExportName.encoderHiddenWeight, shape: [h, d], values: Self.transposed(p.w1.array, rows: d, columns: h))
        file.add(ExportName.encoderHiddenBias, shape: [h], values: p.b1.array)
        let w2 = p.w2.array, b2 = p.b2.array
        // w2 is h x 2z, its columns [mu | logvar]: each head is h x z before the transpose.
        func head(_ first: Int) -> [Float] {
            var out: [Float] = []
            out.reserveCapacity(h * z)
            for r in 0..<h { out.append(contentsOf: w2[(r * 2 * z + first)..<(r * 2 * z + first + z)]) }
            return out
        }
        file.add(ExportName.encoderMeanWeight, shape: [z, h], values: Self.transposed(head(0), rows: h, columns: z))
        file.add(ExportName.encoderMeanBias, shape: [z], values: Array(b2[0..<z]))
        file.add(ExportName.encoderLogVarianceWeight, shape: [z, h], values: Self.transposed(head(z), rows: h, columns: z))
        file.add(ExportName.encoderLogVarianceBias, shape: [z], values: Array(b2[z..<(2 * z)]))
        file.add(ExportName.decoderHiddenWeight, shape: [h, z], values: Self.transposed(p.w3.array, rows: z, columns: h))
        file.add(ExportName.decoderHiddenBias, shape: [h], values: p.b3.array)
        file.add(ExportName.decoderOutputWeight, shape: [d, h], values: Self.transposed(p.w4.array, rows: h, columns: d))
        file.add(ExportName.decoderOutputBias, shape: [d], values: p.b4.array)
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
            "format": "vaedyn-vae", "id": description.id, "dataset": description.dataset, "activation": "tanh", "likelihood": "bernoulli",
            "architecture": try text(a), "classNames": try text(description.classNames), "concepts": try text(description.concepts),
        ]
        if let training = description.training { file.metadata["training"] = try text(training) }
        if let metrics = description.metrics { file.metadata["metrics"] = try text(metrics) }
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
