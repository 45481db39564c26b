import Foundation

/// A trained model with what the dynamics need: concepts, exemplar inputs and a 2-D
/// projection of the latent space. Saved as one `.vaem` file (see `TensorArchive`).
public struct ModelBundle: Sendable {
    public static let kind = "vaedyn-model"

    public var description: ModelDescription
    public let parameters: Parameters
    /// One row of Z floats per entry of `description.concepts`.
    public var conceptVectors: [[Float]]
    /// One row of D bytes per entry of `description.exemplars`.
    public var exemplarPixels: [[UInt8]]
    /// Mean and two principal axes of the training encoder means.
    public var projectionMean: [Float]
    public var projectionAxes: [[Float]]

    public init(description: ModelDescription, parameters: Parameters, conceptVectors: [[Float]] = [],
                exemplarPixels: [[UInt8]] = [], projectionMean: [Float] = [], projectionAxes: [[Float]] = []) {
        self.description = description
        self.parameters = parameters
        self.conceptVectors = conceptVectors
        self.exemplarPixels = exemplarPixels
        self.projectionMean = projectionMean
        self.projectionAxes = projectionAxes
    }

    public var architecture: Architecture { parameters.architecture }

    public func write(to url: URL) throws {
        let a = architecture
        let json = JSONEncoder()
        json.outputFormatting = [.sortedKeys]
        var archive = TensorArchive(kind: Self.kind, metadata: try json.encode(description))
        archive.add("parameters", shape: [parameters.count], floats: UnsafeBufferPointer(start: parameters.storage.pointer, count: parameters.count))
        archive.add("concepts", shape: [conceptVectors.count, a.latentSize], floats: conceptVectors.flatMap { $0 })
        archive.add("exemplars", shape: [exemplarPixels.count, a.inputSize], bytes: exemplarPixels.flatMap { $0 })
        archive.add("projection_mean", shape: [projectionMean.count], floats: projectionMean)
        archive.add("projection_axes", shape: [projectionAxes.count, a.latentSize], floats: projectionAxes.flatMap { $0 })
        try archive.write(to: url)
    }

    public init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url))
    }

    public init(data: Data) throws {
        let archive = try TensorArchive(data: data)
        guard archive.kind == Self.kind else {
            throw ArchiveError.notAnArchive("holds a '\(archive.kind)', not a model (a checkpoint is turned into a model by `vaedyn train --resume`)")
        }
        let description: ModelDescription
        do { description = try JSONDecoder().decode(ModelDescription.self, from: archive.metadata) } catch {
            throw ArchiveError.malformed("model description: \(error)")
        }
        let a = description.architecture
        guard a.inputSize > 0, a.hiddenSize > 0, a.latentSize > 0, a.inputSize <= 1 << 20, a.hiddenSize <= 1 << 16, a.latentSize <= 1 << 14 else {
            throw ArchiveError.malformed("architecture \(a) is out of range")
        }
        let parameters = Parameters(a)
        let flat = try archive.floats("parameters", shape: [parameters.count])
        flat.withUnsafeBufferPointer { parameters.storage.pointer.update(from: $0.baseAddress!, count: flat.count) }
        func rows<T>(_ values: [T], _ width: Int) -> [[T]] {
            stride(from: 0, to: values.count, by: width).map { Array(values[$0..<($0 + width)]) }
        }
        let concepts = try archive.floats("concepts", shape: [description.concepts.count, a.latentSize])
        let exemplars = try archive.bytes("exemplars")
        guard exemplars.shape == [description.exemplars.count, a.inputSize] else {
            throw ArchiveError.malformed("tensor 'exemplars' has shape \(exemplars.shape), expected \([description.exemplars.count, a.inputSize])")
        }
        let mean = try archive.floats("projection_mean")
        let axes = try archive.floats("projection_axes")
        guard mean.isEmpty || mean.count == a.latentSize, axes.count % a.latentSize == 0 else {
            throw ArchiveError.malformed("projection tensors do not match the latent size \(a.latentSize)")
        }
        self.init(description: description, parameters: parameters, conceptVectors: rows(concepts, a.latentSize),
                  exemplarPixels: rows(exemplars.bytes, a.inputSize), projectionMean: mean, projectionAxes: rows(axes, a.latentSize))
    }
}
