/// Builds concept trees over a model's class concepts: item -> class -> zero or more group
/// levels -> all. A group's vector is the mean of its children's; the root "all" stays the
/// mean of the class concepts (the paper's xi_bar_all), whatever groups lie between, so
/// that it is the same point in every tree of a model. A group of one child would repeat
/// its child's vector, so none is made: a node left alone at a level attaches to the next
/// level up (a class may skip a level).
public enum ConceptTreeBuilder {
    /// The paper's tree: each class concept under "all".
    public static func paper(classes: [ConceptInfo], vectors: [[Float]]) -> ConceptTree {
        assemble(classes: classes, vectors: vectors, levels: [], info: .paper)
    }

    /// The groups of a tree file, whose members name classes by their class concept's label
    /// (the class name) or groups of a lower level by id. Throws, naming the group, for a
    /// member that is neither, a class in two groups of one level, a group that takes part
    /// of a lower group only, a group of fewer than two members, or an id or level name
    /// used twice.
    public static func semantic(classes: [ConceptInfo], vectors: [[Float]], source: SemanticTreeSource) throws -> ConceptTree {
        try requireClasses(classes, vectors)
        let path = source.path
        let labels = Dictionary(classes.enumerated().map { ($1.label, $0) }, uniquingKeysWith: { a, _ in a })
        var reserved = Set(classes.map(\.id) + [ConceptTreeInfo.rootID, "self"])
        var lower: [String: Set<Int>] = [:]
        var levels: [GroupLevel] = []
        for level in source.tree.levels {
            guard ![ConceptTreeInfo.classLevel, ConceptTreeInfo.rootLevel, "item"].contains(level.name), !levels.contains(where: { $0.name == level.name }) else {
                throw ConceptTreeError("\(path): the level name '\(level.name)' is used twice or kept for another level (class, all, item)")
            }
            var owner: [Int: String] = [:]
            var groups: [Group] = []
            for g in level.groups {
                guard reserved.insert(g.id).inserted else {
                    throw ConceptTreeError("\(path): the group id '\(g.id)' is used twice or is the id of a class concept, 'all' or 'self'")
                }
                guard Set(g.members).count >= 2 else {
                    throw ConceptTreeError("\(path): group '\(g.id)' has fewer than two distinct members; a group needs two (a group of one would repeat its member's concept)")
                }
                var leaves = Set<Int>()
                for member in g.members {
                    guard let found = labels[member].map({ Set([$0]) }) ?? lower[member] else {
                        throw ConceptTreeError("\(path): group '\(g.id)' of level '\(level.name)' names '\(member)', which is neither a class "
                                               + "of the model (\(classes.map(\.label).joined(separator: ", "))) nor a group of a lower level")
                    }
                    leaves.formUnion(found)
                }
                for c in leaves.sorted() {
                    if let other = owner.updateValue(g.id, forKey: c) {
                        throw ConceptTreeError("\(path): class '\(classes[c].label)' is in two groups of level '\(level.name)': '\(other)' and '\(g.id)'")
                    }
                }
                if let split = lower.keys.sorted().first(where: { !lower[$0]!.isDisjoint(with: leaves) && !lower[$0]!.isSubset(of: leaves) }) {
                    throw ConceptTreeError("\(path): group '\(g.id)' of level '\(level.name)' takes part of the lower group '\(split)' only")
                }
                groups.append(Group(id: g.id, label: g.label, leaves: leaves.sorted()))
            }
            for g in groups { lower[g.id] = Set(g.leaves) }
            levels.append(GroupLevel(name: level.name, groups: groups))
        }
        var tree = assemble(classes: classes, vectors: vectors, levels: levels, info: ConceptTreeInfo(levels: [], source: .semantic))
        let made = tree.concepts.filter { ![ConceptTreeInfo.classLevel, ConceptTreeInfo.rootLevel].contains($0.level) }.map(\.id)
        tree.info.semantic = SemanticTreeOrigin(file: path, sha256: source.sha256, groups: made)
        return tree
    }

    /// Average-linkage clustering of the class concepts on Euclidean distance (`AverageLinkage`),
    /// cut at each of `clusterCounts` clusters (decreasing, each in 2 ..< the number of
    /// classes): one group level per cut, named "group" when there is one, "group-1",
    /// "group-2"... from the finest otherwise.
    public static func learned(classes: [ConceptInfo], vectors: [[Float]], clusterCounts: [Int]) throws -> ConceptTree {
        try requireClasses(classes, vectors)
        guard zip(clusterCounts, clusterCounts.dropFirst()).allSatisfy({ $0 > $1 }),
              clusterCounts.allSatisfy({ (2..<classes.count).contains($0) }) else {
            throw ConceptTreeError("cluster counts \(clusterCounts) must decrease and each lie in 2...\(classes.count - 1) "
                                   + "(1 cluster is the root, \(classes.count) the classes themselves)")
        }
        let cuts = AverageLinkage.cuts(vectors, counts: clusterCounts)
        let levels = cuts.enumerated().map { k, clusters in
            let name = cuts.count == 1 ? "group" : "group-\(k + 1)"
            return GroupLevel(name: name, groups: clusters.filter { $0.count > 1 }.map { leaves in
                Group(id: "", label: leaves.map { classes[$0].label }.joined(separator: " + "), leaves: leaves)
            })
        }
        let info = ConceptTreeInfo(levels: [], source: .learned, learned: LearnedTreeOrigin(clusterCounts: clusterCounts))
        return assemble(classes: classes, vectors: vectors, levels: levels, info: info)
    }

    /// Cuts that halve the number of clusters until two are left: [5, 2] for ten classes,
    /// so that each level merges about two nodes of the one below.
    public static func defaultClusterCounts(classCount: Int) -> [Int] {
        Array(sequence(first: classCount / 2, next: { $0 / 2 }).prefix { $0 >= 2 })
    }

    /// Groups to make at one level: ids may be empty (then "LEVEL-k", by order of making).
    struct GroupLevel {
        var name: String
        var groups: [Group]
    }

    struct Group {
        var id: String
        var label: String
        /// The classes under the group, increasing.
        var leaves: [Int]
    }

    private static func requireClasses(_ classes: [ConceptInfo], _ vectors: [[Float]]) throws {
        guard !classes.isEmpty, classes.allSatisfy({ $0.level == ConceptTreeInfo.classLevel }), vectors.count == classes.count,
              Set(vectors.map(\.count)).count == 1 else {
            throw ConceptTreeError("a tree needs class concepts, each with a vector of the same size")
        }
    }

    /// Classes first (as given, with new parents), then each level's groups, then the root.
    /// The levels must nest: a group holds the whole of any lower group it touches.
    private static func assemble(classes: [ConceptInfo], vectors: [[Float]], levels: [GroupLevel], info: ConceptTreeInfo) -> ConceptTree {
        var concepts = classes, rows = vectors
        // top[c]: the highest concept made so far above class c.
        var top = Array(classes.indices)
        var tree = info
        tree.levels = [ConceptTreeInfo.classLevel]
        for level in levels {
            var made = 0
            for group in level.groups {
                let children = group.leaves.map { top[$0] }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
                guard children.count > 1 else { continue }
                let id = group.id.isEmpty ? "\(level.name)-\(made)" : group.id
                for c in children { concepts[c].parent = id }
                concepts.append(ConceptInfo(id: id, label: group.label, level: level.name, parent: nil, count: children.count))
                rows.append(mean(children.map { rows[$0] }))
                for c in group.leaves { top[c] = concepts.count - 1 }
                made += 1
            }
            if made > 0 { tree.levels.append(level.name) }
        }
        tree.levels.append(ConceptTreeInfo.rootLevel)
        for c in Set(top) { concepts[c].parent = ConceptTreeInfo.rootID }
        concepts.append(ConceptInfo(id: ConceptTreeInfo.rootID, label: ConceptTreeInfo.rootLevel, level: ConceptTreeInfo.rootLevel,
                                    parent: nil, count: classes.count))
        rows.append(mean(vectors))
        return ConceptTree(info: tree, concepts: concepts, vectors: rows)
    }

    /// The component-wise mean, summed in double precision.
    static func mean(_ rows: [[Float]]) -> [Float] {
        (0..<rows[0].count).map { j in Float(rows.reduce(0.0) { $0 + Double($1[j]) } / Double(rows.count)) }
    }
}
