import VAE

/// The points distances are measured to: the model's concepts, in file order, and the
/// input's own pattern xi_self (encoder mean of the clean input) when the input is known.
public struct ReferenceSet: Sendable {
    public static let selfID = "self"
    /// The level of `self` in the concept tree, below "class".
    public static let itemLevel = "item"

    public let infos: [ReferenceInfo]
    /// R x Z, row-major.
    public let vectors: [Float]
    public let latentSize: Int
    /// Indices of the class-level concepts: the candidates when each trial's nearest class is counted.
    public let classReferences: [Int]

    public var count: Int { infos.count }

    public init(model: DynamicsModel, input: DynamicsInput?) {
        let z = model.architecture.latentSize
        var infos = model.concepts.map { ReferenceInfo(id: $0.id, label: $0.label, level: $0.level, parent: $0.parent) }
        var vectors = model.bundle.conceptVectors.flatMap { $0 }
        if let input {
            let parent = input.label.flatMap { model.classConcept(label: $0) }.map { model.concepts[$0].id }
            infos.append(ReferenceInfo(id: Self.selfID, label: "input", level: Self.itemLevel, parent: parent ?? model.concepts.first { $0.parent == nil }?.id))
            vectors += Self.cleanCode(model: model, pixels: input.pixels)
        }
        self.infos = infos
        self.vectors = vectors
        latentSize = z
        classReferences = model.classConcepts
    }

    /// Given points: the controls (`ControlSet`, no class references), or hand-made
    /// references for tests.
    public init(infos: [ReferenceInfo], vectors: [Float], latentSize: Int, classReferences: [Int] = []) {
        precondition(vectors.count == infos.count * latentSize)
        self.infos = infos
        self.vectors = vectors
        self.latentSize = latentSize
        self.classReferences = classReferences
    }

    public func index(of id: String) -> Int? { infos.firstIndex { $0.id == id } }

    /// The encoder mean of the clean input's grey levels (`Encoding`).
    static func cleanCode(model: DynamicsModel, pixels: [UInt8]) -> [Float] {
        model.encodings(of: [pixels])[0].mean
    }
}

/// A reference as the records name it; `level` and `parent` place it in the concept tree
/// ("item" for the input's own pattern, whose parent is its class concept).
public struct ReferenceInfo: Codable, Sendable, Equatable {
    public var id: String
    public var label: String
    public var level: String
    public var parent: String?

    public init(id: String, label: String, level: String, parent: String?) {
        self.id = id
        self.label = label
        self.level = level
        self.parent = parent
    }
}
