/// The concept tree of a model file: its levels and where its groups came from. The tree
/// itself is in the concepts (`ConceptInfo.parent`); this record names the levels in order
/// and keeps the provenance, so that a reader knows what the groups mean.
public struct ConceptTreeInfo: Codable, Sendable, Equatable {
    public enum Source: String, Codable, Sendable {
        /// The paper's two levels, class and all: what a file without the record means.
        case paper
        /// Groups from a tree file kept in the repository (trees/DATASET.json).
        case semantic
        /// Groups from clustering the class concepts.
        case learned
    }

    /// The levels from the most specific to the most abstract, without "item" (the input's
    /// own pattern, which is not a concept of the file): "class" first, the root's level last.
    public var levels: [String]
    public var source: Source
    public var semantic: SemanticTreeOrigin?
    public var learned: LearnedTreeOrigin?

    public init(levels: [String], source: Source, semantic: SemanticTreeOrigin? = nil, learned: LearnedTreeOrigin? = nil) {
        self.levels = levels
        self.source = source
        self.semantic = semantic
        self.learned = learned
    }

    public static let classLevel = "class", rootLevel = "all", rootID = "all"
    public static let paper = ConceptTreeInfo(levels: [classLevel, rootLevel], source: .paper)
}

/// The tree file a semantic tree was read from, as given on the command line.
public struct SemanticTreeOrigin: Codable, Sendable, Equatable {
    public var file: String
    /// SHA-256 hex of the file's bytes.
    public var sha256: String
    /// Ids of the groups the file defines, level by level.
    public var groups: [String]

    public init(file: String, sha256: String, groups: [String]) {
        self.file = file
        self.sha256 = sha256
        self.groups = groups
    }
}

/// How a learned tree was clustered.
public struct LearnedTreeOrigin: Codable, Sendable, Equatable {
    public static let euclidean = "euclidean between class concepts", averageLinkage = "average (UPGMA)"

    public var distance: String
    public var linkage: String
    /// The number of clusters of each cut, one cut per group level, from the most specific.
    public var clusterCounts: [Int]

    public init(clusterCounts: [Int]) {
        distance = Self.euclidean
        linkage = Self.averageLinkage
        self.clusterCounts = clusterCounts
    }
}
