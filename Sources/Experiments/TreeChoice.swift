import Foundation
import VAE

/// Which concept tree to put on a model: the paper's two levels, a tree file's groups, or
/// groups learned from the class concepts. Written `paper`, `semantic:FILE` or
/// `learned[:N,N...]` (`vaedyn reproduce --tree`), or by `vaedyn tree`'s flags.
public enum TreeChoice: Equatable {
    case paper
    case semantic(path: String)
    /// Nil counts: `ConceptTreeBuilder.defaultClusterCounts` for the model's classes.
    case learned(clusterCounts: [Int]?)

    public static let syntax = "paper, semantic:FILE or learned[:N,N...] (cluster counts, decreasing)"

    public init(parsing text: String) throws {
        let (kind, rest) = text.firstIndex(of: ":").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) } ?? (text, nil)
        switch (kind, rest) {
        case ("paper", nil): self = .paper
        case ("semantic", let path?) where !path.isEmpty: self = .semantic(path: path)
        case ("learned", nil): self = .learned(clusterCounts: nil)
        case ("learned", let counts?): self = .learned(clusterCounts: try Self.counts(counts))
        default: throw ExperimentError("'\(text)' is not a tree; use \(Self.syntax)")
        }
    }

    /// "5,2" as [5, 2].
    public static func counts(_ text: String) throws -> [Int] {
        let counts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 != nil }) else { throw ExperimentError("'\(text)' is not a list of cluster counts such as 5,2") }
        return counts.map { $0! }
    }

    /// Rebuilds the bundle's groups and root over its class concepts (kept as they are).
    public func apply(to bundle: inout ModelBundle) throws {
        let (classes, vectors) = ConceptTree.classes(of: bundle)
        let tree: ConceptTree
        switch self {
        case .paper:
            tree = ConceptTreeBuilder.paper(classes: classes, vectors: vectors)
        case .semantic(let path):
            // The tree errors name the file themselves.
            tree = try ConceptTreeBuilder.semantic(classes: classes, vectors: vectors, source: try SemanticTreeSource(path: path))
        case .learned(let counts):
            let counts = counts ?? ConceptTreeBuilder.defaultClusterCounts(classCount: classes.count)
            tree = try reporting("learned tree") { try ConceptTreeBuilder.learned(classes: classes, vectors: vectors, clusterCounts: counts) }
        }
        tree.apply(to: &bundle)
        try reporting("the new tree") { try bundle.validate() }
    }
}
