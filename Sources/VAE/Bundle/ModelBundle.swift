import Foundation

/// A trained model with what the dynamics need: concepts, exemplar inputs and a 2-D
/// projection of the latent space. Saved as one `.vaem` file (see `TensorArchive`, and
/// docs/model-format.md for the layout byte by byte).
public struct ModelBundle: Sendable {
    public static let kind = "vaedyn-model"
    /// The largest architecture a file may declare (the weights of one that large would not
    /// fit in a file anyway: the tensor must be present in full).
    public static let maximumInputSize = 1 << 20, maximumHiddenSize = 1 << 16, maximumLatentSize = 1 << 14

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

    /// The file's bytes. Throws, as a load would, if the bundle is one that no load would
    /// accept (a NaN weight after a diverged training, rows of the wrong size...).
    public func encoded() throws -> Data {
        try archive().encoded()
    }

    public func write(to url: URL) throws {
        try archive().write(to: url)
    }

    private func archive() throws -> TensorArchive {
        try validate()
        let a = architecture
        let json = JSONEncoder()
        json.outputFormatting = [.sortedKeys]
        var archive = TensorArchive(kind: Self.kind, metadata: try json.encode(description))
        archive.add("parameters", shape: [parameters.count], floats: parameters.storage.view.buffer)
        archive.add("concepts", shape: [conceptVectors.count, a.latentSize], floats: conceptVectors.flatMap { $0 })
        archive.add("exemplars", shape: [exemplarPixels.count, a.inputSize], bytes: exemplarPixels.flatMap { $0 })
        archive.add("projection_mean", shape: [projectionMean.count], floats: projectionMean)
        archive.add("projection_axes", shape: [projectionAxes.count, a.latentSize], floats: projectionAxes.flatMap { $0 })
        return archive
    }

    public init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url))
    }

    /// Reads a bundle and checks everything the engine and the service will trust in it
    /// (`validate`): a file that loads can be served.
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
        guard a.inputSize > 0, a.hiddenSize > 0, a.latentSize > 0, a.inputSize <= Self.maximumInputSize,
              a.hiddenSize <= Self.maximumHiddenSize, a.latentSize <= Self.maximumLatentSize else {
            throw ArchiveError.malformed("architecture \(a) is out of range (each size in 1...\(Self.maximumInputSize), "
                                         + "\(Self.maximumHiddenSize), \(Self.maximumLatentSize))")
        }
        // The weights are allocated only once the file is known to hold about as many (no
        // allocation is larger than the file): the entry must be at least the sum of the
        // unpadded blocks, then exactly the padded layout of `Parameters`.
        let entry = try archive.entry("parameters")
        let d = a.inputSize, h = a.hiddenSize, z = a.latentSize
        let unpadded = d * h + h + h * 2 * z + 2 * z + z * h + h + h * d + d
        guard entry.dtype == .float32, entry.shape.count == 1 else {
            throw ArchiveError.malformed("tensor 'parameters' is \(entry.dtype.rawValue) of shape \(entry.shape), not a float32 vector")
        }
        guard entry.shape[0] >= unpadded else {
            throw ArchiveError.malformed("tensor 'parameters' has shape \(entry.shape), too small for architecture \(a) "
                                         + "(\(unpadded) weights before padding)")
        }
        let parameters = Parameters(a)
        let flat = try archive.floats("parameters", shape: [parameters.count])
        parameters.storage.view.update(from: flat)
        func rows<T>(_ values: [T], _ width: Int) -> [[T]] {
            stride(from: 0, to: values.count, by: width).map { Array(values[$0..<($0 + width)]) }
        }
        let concepts = try archive.floats("concepts", shape: [description.concepts.count, z])
        let exemplars = try archive.bytes("exemplars")
        guard exemplars.shape == [description.exemplars.count, d] else {
            throw ArchiveError.malformed("tensor 'exemplars' has shape \(exemplars.shape), expected \([description.exemplars.count, d])")
        }
        let meanEntry = try archive.entry("projection_mean")
        guard meanEntry.shape == [0] || meanEntry.shape == [z] else {
            throw ArchiveError.malformed("tensor 'projection_mean' has shape \(meanEntry.shape), expected [\(z)] (or [0]: no projection)")
        }
        let mean = try archive.floats("projection_mean")
        let axesEntry = try archive.entry("projection_axes")
        guard axesEntry.shape.count == 2, axesEntry.shape[1] == z else {
            throw ArchiveError.malformed("tensor 'projection_axes' has shape \(axesEntry.shape), expected [K, \(z)] (K axes of the latent size)")
        }
        let axes = try archive.floats("projection_axes")
        self.init(description: description, parameters: parameters, conceptVectors: rows(concepts, z),
                  exemplarPixels: rows(exemplars.bytes, d), projectionMean: mean, projectionAxes: rows(axes, z))
        try validate()
    }

    /// Checks what the engine and the service trust without looking: every row of the right
    /// size, every float finite (a NaN weight or concept would turn every distance into NaN),
    /// at least one class, exemplar labels that are classes, concept ids that are unique,
    /// class concepts labelled with distinct class names, and concepts that form the tree
    /// of `description.conceptLevels` (`validateTree`).
    /// Throws `ArchiveError.malformed` naming the tensor (and the place in it) or the field.
    public func validate() throws {
        let a = architecture
        let d = a.inputSize, z = a.latentSize
        guard description.architecture == a else {
            throw ArchiveError.malformed("the description's architecture \(description.architecture) is not the weights' \(a)")
        }
        guard !description.classNames.isEmpty else { throw ArchiveError.malformed("the model has no classes (classNames is empty)") }
        for (i, e) in description.exemplars.enumerated() where !(0..<description.classNames.count).contains(e.label) {
            throw ArchiveError.malformed("exemplar \(i) has label \(e.label); the model's classes are 0...\(description.classNames.count - 1)")
        }
        var ids = Set<String>()
        for c in description.concepts where !ids.insert(c.id).inserted {
            throw ArchiveError.malformed("concept id '\(c.id)' is used twice")
        }
        // A class concept stands for one class, found by its label: at most one per class.
        var classLabels = Set<String>()
        for c in description.concepts where c.level == "class" {
            guard description.classNames.contains(c.label) else {
                throw ArchiveError.malformed("class concept '\(c.id)' has the label '\(c.label)', which is not one of the class names")
            }
            guard classLabels.insert(c.label).inserted else {
                throw ArchiveError.malformed("class concept '\(c.id)' has the label '\(c.label)' of another class concept")
            }
        }
        guard conceptVectors.count == description.concepts.count, conceptVectors.allSatisfy({ $0.count == z }) else {
            throw ArchiveError.malformed("tensor 'concepts' must have \(description.concepts.count) rows (one per concept) of \(z) floats")
        }
        guard exemplarPixels.count == description.exemplars.count, exemplarPixels.allSatisfy({ $0.count == d }) else {
            throw ArchiveError.malformed("tensor 'exemplars' must have \(description.exemplars.count) rows (one per exemplar) of \(d) bytes")
        }
        guard projectionMean.isEmpty || projectionMean.count == z else {
            throw ArchiveError.malformed("tensor 'projection_mean' has \(projectionMean.count) floats; the latent size is \(z)")
        }
        guard projectionAxes.allSatisfy({ $0.count == z }) else {
            throw ArchiveError.malformed("tensor 'projection_axes' has a row that is not of the latent size \(z)")
        }
        if let units = description.metrics?.activeUnitIndices {
            // The control points of the dynamics lie in these units: each once, in order, a unit of the model.
            guard zip(units, units.dropFirst()).allSatisfy({ $0 < $1 }), units.allSatisfy({ (0..<z).contains($0) }) else {
                throw ArchiveError.malformed("metrics.activeUnitIndices must be increasing latent units in 0...\(z - 1), got \(units)")
            }
        }
        try Self.requireFinite(parameters)
        for (i, row) in conceptVectors.enumerated() {
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw Self.notFinite("concepts", row[j], at: "[\(i), \(j)] (concept '\(description.concepts[i].id)')")
            }
        }
        if let j = projectionMean.firstIndex(where: { !$0.isFinite }) { throw Self.notFinite("projection_mean", projectionMean[j], at: "[\(j)]") }
        for (i, row) in projectionAxes.enumerated() {
            if let j = row.firstIndex(where: { !$0.isFinite }) { throw Self.notFinite("projection_axes", row[j], at: "[\(i), \(j)]") }
        }
        try validateTree()
    }

    private static func notFinite(_ tensor: String, _ value: Float, at place: String) -> ArchiveError {
        .malformed("tensor '\(tensor)' holds \(value) at \(place); every value must be finite")
    }

    /// Names the weight block, and the row and column in it, of the first value that is not finite.
    private static func requireFinite(_ p: Parameters) throws {
        let values = p.storage.view.buffer
        guard let i = values.firstIndex(where: { !$0.isFinite }) else { return }
        let a = p.architecture
        let widths: [Parameters.Block: Int] = [
            .encoderHiddenWeight: a.hiddenSize, .encoderOutputWeight: 2 * a.latentSize,
            .decoderHiddenWeight: a.hiddenSize, .decoderOutputWeight: a.inputSize,
        ]
        var place = "element \(i) (block padding)"
        for block in Parameters.Block.allCases where p.range(block).contains(i) {
            let k = i - p.range(block).lowerBound
            if let w = widths[block] { place = "element \(i) (\(block.rawValue)[\(k / w), \(k % w)])" } else { place = "element \(i) (\(block.rawValue)[\(k)])" }
        }
        throw notFinite("parameters", values[i], at: place)
    }
}
