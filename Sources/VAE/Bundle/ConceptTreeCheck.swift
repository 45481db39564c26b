import Foundation

extension ModelBundle {
    /// The largest difference, relative to the children's largest magnitude (at least 1),
    /// between a group's vector and the mean of its children: float32 rounding of a mean
    /// is about 1e-7 of it, a vector that belongs to another concept far more.
    public static let groupMeanTolerance: Double = 1e-5

    /// Checks the concepts form the tree `description.conceptLevels` names: levels that
    /// start at "class", each concept at one of them, parents that exist, no cycles, each
    /// parent more abstract than its child, one root at the last level, and each group (a
    /// concept between the class level and the root's) the mean of its children, counting
    /// them. The root's vector is not checked: it is the mean of the class concepts (the
    /// paper's xi_bar_all), which training writes, whatever groups lie between.
    func validateTree() throws {
        let levels = description.conceptLevels, concepts = description.concepts
        guard levels.count >= 2, levels.first == ConceptTreeInfo.classLevel, Set(levels).count == levels.count, !levels.contains("item") else {
            throw ArchiveError.malformed("the concept tree's levels \(levels) must be at least two, distinct, start with 'class' "
                                         + "and not include 'item' (the input's own pattern)")
        }
        let rank = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        let index = Dictionary(uniqueKeysWithValues: concepts.enumerated().map { ($1.id, $0) })
        var parents = [Int?](repeating: nil, count: concepts.count)
        for (i, c) in concepts.enumerated() {
            guard rank[c.level] != nil else {
                throw ArchiveError.malformed("concept '\(c.id)' has the level '\(c.level)', which is not one of the tree's levels \(levels)")
            }
            if let parent = c.parent {
                guard let p = index[parent] else { throw ArchiveError.malformed("concept '\(c.id)' has the parent '\(parent)', which is not a concept") }
                parents[i] = p
            }
        }
        try Self.requireNoCycle(concepts, parents: parents)
        for (i, c) in concepts.enumerated() {
            if let p = parents[i], rank[concepts[p].level]! <= rank[c.level]! {
                throw ArchiveError.malformed("concept '\(c.id)' of level '\(c.level)' has the parent '\(concepts[p].id)' of level "
                                             + "'\(concepts[p].level)': a parent must be of a more abstract level, in the order \(levels)")
            }
        }
        let roots = concepts.indices.filter { parents[$0] == nil }
        guard roots.count == 1 else {
            throw ArchiveError.malformed("the concept tree has \(roots.count) roots (concepts without a parent: "
                                         + "\(roots.prefix(5).map { "'\(concepts[$0].id)'" }.joined(separator: ", "))); it must have exactly one")
        }
        guard concepts[roots[0]].level == levels.last else {
            throw ArchiveError.malformed("the root concept '\(concepts[roots[0]].id)' has the level '\(concepts[roots[0]].level)', "
                                         + "not the tree's last level '\(levels.last!)'")
        }
        var children = [[Int]](repeating: [], count: concepts.count)
        for (i, p) in parents.enumerated() { if let p { children[p].append(i) } }
        for (g, c) in concepts.enumerated() where c.level != levels.first && c.level != levels.last {
            try requireGroupMean(g, children: children[g])
        }
    }

    /// Follows each concept's parents, marking the concepts whose way to a root is known,
    /// so that every concept is walked once.
    private static func requireNoCycle(_ concepts: [ConceptInfo], parents: [Int?]) throws {
        var settled = [Bool](repeating: false, count: concepts.count)
        for start in concepts.indices where !settled[start] {
            var path: [Int] = [], onPath = Set<Int>()
            var i: Int? = start
            while let k = i, !settled[k] {
                guard onPath.insert(k).inserted else {
                    let cycle = path[path.firstIndex(of: k)!...] + [k]
                    throw ArchiveError.malformed("concept '\(concepts[k].id)' is its own ancestor ("
                                                 + cycle.map { concepts[$0].id }.joined(separator: " -> ") + ")")
                }
                path.append(k)
                i = parents[k]
            }
            for k in path { settled[k] = true }
        }
    }

    private func requireGroupMean(_ g: Int, children: [Int]) throws {
        let group = description.concepts[g]
        guard !children.isEmpty else {
            throw ArchiveError.malformed("group concept '\(group.id)' of level '\(group.level)' has no child concepts")
        }
        guard group.count == children.count else {
            throw ArchiveError.malformed("group concept '\(group.id)' has the count \(group.count) but \(children.count) child concepts")
        }
        let z = architecture.latentSize
        var scale = 1.0
        for c in children { for v in conceptVectors[c] { scale = max(scale, abs(Double(v))) } }
        for j in 0..<z {
            let mean = children.reduce(0.0) { $0 + Double(conceptVectors[$1][j]) } / Double(children.count)
            guard abs(Double(conceptVectors[g][j]) - mean) <= Self.groupMeanTolerance * scale else {
                throw ArchiveError.malformed("group concept '\(group.id)' is not the mean of its \(children.count) child concepts: "
                                             + "component \(j) is \(conceptVectors[g][j]), their mean \(Float(mean))")
            }
        }
    }
}
