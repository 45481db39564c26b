/// The concepts of a model file as one tree: the class concepts, the groups above them and
/// the root, with their vectors (the rows of the "concepts" tensor) and the tree's record.
public struct ConceptTree: Sendable, Equatable {
    public var info: ConceptTreeInfo
    public var concepts: [ConceptInfo]
    public var vectors: [[Float]]

    public init(info: ConceptTreeInfo, concepts: [ConceptInfo], vectors: [[Float]]) {
        self.info = info
        self.concepts = concepts
        self.vectors = vectors
    }

    /// The class concepts of a bundle and their vectors, in file order: what every tree is built on.
    public static func classes(of bundle: ModelBundle) -> (concepts: [ConceptInfo], vectors: [[Float]]) {
        let rows = bundle.description.concepts.indices.filter { bundle.description.concepts[$0].level == ConceptTreeInfo.classLevel }
        return (rows.map { bundle.description.concepts[$0] }, rows.map { bundle.conceptVectors[$0] })
    }

    /// Replaces the bundle's concepts, their vectors and its tree record with this tree's.
    public func apply(to bundle: inout ModelBundle) {
        bundle.description.concepts = concepts
        bundle.description.conceptTree = info
        bundle.conceptVectors = vectors
    }
}
