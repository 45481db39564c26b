import VAE

/// A loaded model as the engine uses it: the network, its concepts as a tree (`levels`,
/// `ancestry`, `children`), and the 2-D projection. Immutable and shareable: a server keeps one per model and runs many
/// requests on it at once (each run has its own buffers).
public struct DynamicsModel: Sendable {
    public let bundle: ModelBundle
    public let network: Network

    /// Throws when the bundle is one the engine cannot trust: every check of
    /// `ModelBundle.validate` (sizes, finite tensors, classes; a loaded bundle has passed
    /// them already, a bundle built in memory has not), at least one concept, and no
    /// concept named like the input's own reference.
    public init(bundle: ModelBundle) throws {
        let z = bundle.architecture.latentSize
        guard !bundle.description.concepts.isEmpty, bundle.conceptVectors.count == bundle.description.concepts.count,
              bundle.conceptVectors.allSatisfy({ $0.count == z }) else {
            throw DynamicsError("model '\(bundle.description.id)' has no concept vectors of size \(z)")
        }
        try bundle.validate()
        guard !bundle.description.concepts.contains(where: { $0.id == ReferenceSet.selfID }) else {
            throw DynamicsError("model '\(bundle.description.id)' has a concept with the id '\(ReferenceSet.selfID)', which the records keep for the input's own pattern")
        }
        self.bundle = bundle
        network = Network(parameters: bundle.parameters, frozen: true)
    }

    public var id: String { bundle.description.id }
    public var architecture: Architecture { bundle.architecture }
    public var concepts: [ConceptInfo] { bundle.description.concepts }

    /// The levels of the concept tree from the most specific to the most abstract: "item"
    /// (the input's own pattern, `ReferenceSet.selfID`), "class", any group levels, then the
    /// root's ("all"). Stage k of a record is level k - 1 of this list.
    public var levels: [String] { [ReferenceSet.itemLevel] + bundle.description.conceptLevels }

    /// The concepts whose parent is `concept`, in file order (none for a class concept).
    public func children(of concept: Int) -> [Int] {
        concepts.indices.filter { concepts[$0].parent == concepts[concept].id }
    }

    /// The concept standing for class `label` (level "class", label = the class name).
    public func classConcept(label: Int) -> Int? {
        let names = bundle.description.classNames
        guard label >= 0, label < names.count else { return nil }
        return concepts.firstIndex { $0.level == "class" && $0.label == names[label] }
    }

    /// Indices of the concepts from `concept` up to the root, following `parent`.
    public func ancestry(of concept: Int) -> [Int] {
        var path = [concept]
        while let parent = concepts[path.last!].parent, let p = concepts.firstIndex(where: { $0.id == parent }), !path.contains(p) {
            path.append(p)
        }
        return path
    }

    /// Indices of the concepts at level "class", in file order.
    public var classConcepts: [Int] { concepts.indices.filter { concepts[$0].level == "class" } }

    /// The latent units the control points lie in (`ControlSet`): the active units the
    /// model file stores (metrics.activeUnitIndices, from `vaedyn eval --save`), or every
    /// unit for a file evaluated before controls existed.
    public var controlUnits: [Int] {
        bundle.description.metrics?.activeUnitIndices ?? Array(0..<architecture.latentSize)
    }

    public var hasProjection: Bool {
        bundle.projectionMean.count == architecture.latentSize && bundle.projectionAxes.count >= 2
    }

    /// Coordinates of a latent vector on the first two projection axes.
    public func project(_ v: UnsafePointer<Float>) -> [Float] {
        let z = architecture.latentSize
        return bundle.projectionAxes.prefix(2).map { axis in
            var s: Float = 0
            for j in 0..<z { s += (v[j] - bundle.projectionMean[j]) * axis[j] }
            return s
        }
    }
}
