import VAE
import XCTest

/// The tree builders on class concepts whose grouping is known by construction.
final class ConceptTreeBuilderTests: XCTestCase {
    static func classes(_ n: Int) -> [ConceptInfo] {
        (0..<n).map { ConceptInfo(id: "class-\($0)", label: "c\($0)", level: "class", parent: nil, count: 10 + $0) }
    }

    /// Eight classes in three tight clusters, interleaved in class order: A = {0, 3, 6} near
    /// the origin, B = {1, 4, 7} near (10, 0, 0), C = {2, 5} near (10, 3, 0), C's two members
    /// 1 apart and A's and B's within 0.2, so B and C are the nearest clusters.
    static let centres: [[Float]] = [[0, 0, 0], [10, 0, 0], [10, 3, 0]]
    static let clusterOf = [0, 1, 2, 0, 1, 2, 0, 1]
    static var vectors: [[Float]] {
        let offsets: [[Float]] = [[0, 0, 0], [0, 0, 0], [0, -0.5, 0], [0.1, 0, 0], [0, 0.1, 0], [0, 0.5, 0], [0, 0, 0.1], [0, 0, -0.1]]
        return clusterOf.enumerated().map { c, k in zip(centres[k], offsets[c]).map { $0 + $1 } }
    }

    func concept(_ tree: ConceptTree, _ id: String) throws -> (info: ConceptInfo, vector: [Float]) {
        let i = try XCTUnwrap(tree.concepts.firstIndex { $0.id == id }, "no concept '\(id)'")
        return (tree.concepts[i], tree.vectors[i])
    }

    func children(_ tree: ConceptTree, _ id: String) -> [String] { tree.concepts.filter { $0.parent == id }.map(\.id) }

    func assertMean(_ tree: ConceptTree, of ids: [String], is id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let rows = try ids.map { try concept(tree, $0).vector }
        let expected = (0..<3).map { j in rows.map { Double($0[j]) }.reduce(0, +) / Double(rows.count) }
        let got = try concept(tree, id).vector
        for j in 0..<3 { XCTAssertEqual(Double(got[j]), expected[j], accuracy: 1e-6, "\(id)[\(j)]", file: file, line: line) }
    }

    func testTheCutAtThreeGivesTheThreeClusters() throws {
        let tree = try ConceptTreeBuilder.learned(classes: Self.classes(8), vectors: Self.vectors, clusterCounts: [3])
        XCTAssertEqual(tree.info.levels, ["class", "group", "all"])
        XCTAssertEqual(tree.info.learned, LearnedTreeOrigin(clusterCounts: [3]))
        let groups = tree.concepts.filter { $0.level == "group" }
        XCTAssertEqual(groups.map { children(tree, $0.id) }, [["class-0", "class-3", "class-6"], ["class-1", "class-4", "class-7"], ["class-2", "class-5"]])
        XCTAssertEqual(groups.map(\.count), [3, 3, 2])
        XCTAssertEqual(groups.map(\.parent), ["all", "all", "all"])
        for g in groups { try assertMean(tree, of: children(tree, g.id), is: g.id) }
        // The classes keep their ids, labels, counts and vectors; the root is the mean of the classes.
        XCTAssertEqual(tree.concepts.prefix(8).map(\.count), Self.classes(8).map(\.count))
        XCTAssertEqual(Array(tree.vectors.prefix(8)), Self.vectors)
        try assertMean(tree, of: (0..<8).map { "class-\($0)" }, is: "all")
        XCTAssertEqual(try concept(tree, "all").info.count, 8)
        XCTAssertEqual(tree.concepts.last?.id, "all")
    }

    func testNestedCutsMakeALevelPerCutAndAGroupSkipsALevelItDoesNotChangeAt() throws {
        let tree = try ConceptTreeBuilder.learned(classes: Self.classes(8), vectors: Self.vectors, clusterCounts: [3, 2])
        XCTAssertEqual(tree.info.levels, ["class", "group-1", "group-2", "all"])
        let fine = tree.concepts.filter { $0.level == "group-1" }, coarse = tree.concepts.filter { $0.level == "group-2" }
        XCTAssertEqual(fine.count, 3)
        XCTAssertEqual(coarse.count, 1)
        // B and C merge; A is one cluster at both cuts, so its group attaches to the root.
        let a = try XCTUnwrap(fine.first { children(tree, $0.id) == ["class-0", "class-3", "class-6"] })
        XCTAssertEqual(a.parent, "all")
        let bc = children(tree, coarse[0].id)
        XCTAssertEqual(Set(bc), Set(fine.map(\.id)).subtracting([a.id]))
        XCTAssertEqual(coarse[0].count, 2)
        try assertMean(tree, of: bc, is: coarse[0].id)
        XCTAssertEqual(children(tree, "all").sorted(), [a.id, coarse[0].id].sorted())
        // The root does not move with the tree.
        let paper = ConceptTreeBuilder.paper(classes: Self.classes(8), vectors: Self.vectors)
        XCTAssertEqual(try concept(tree, "all").vector, try concept(paper, "all").vector)
        XCTAssertEqual(paper.info, .paper)
        XCTAssertEqual(children(paper, "all"), (0..<8).map { "class-\($0)" })
    }

    func testASingletonAtACutAttachesToTheNextLevelUp() throws {
        // At four clusters C is still two singletons: only A and B are groups; at three
        // clusters A and B are unchanged (no group of one child) and C = {2, 5} is made.
        let tree = try ConceptTreeBuilder.learned(classes: Self.classes(8), vectors: Self.vectors, clusterCounts: [4, 3])
        let byLevel = Dictionary(grouping: tree.concepts.filter { $0.level.hasPrefix("group") }, by: \.level)
        XCTAssertEqual(byLevel["group-1"]?.map { children(tree, $0.id) }, [["class-0", "class-3", "class-6"], ["class-1", "class-4", "class-7"]])
        XCTAssertEqual(byLevel["group-2"]?.map { children(tree, $0.id) }, [["class-2", "class-5"]])
        XCTAssertEqual(byLevel["group-1"]?.map(\.parent), ["all", "all"])
    }

    func testTiesAreBrokenByClassOrderAndTheResultIsTheSameEveryTime() throws {
        // The corners of a unit square: the four sides tie. The first pair (0, 1) merges,
        // then (2, 3), whose distance 1 beats the mean (1 + sqrt 2) / 2 to {0, 1}.
        let square: [[Float]] = [[0, 0], [1, 0], [0, 1], [1, 1]]
        XCTAssertEqual(AverageLinkage.cuts(square, counts: [3, 2, 1]), [[[0, 1], [2], [3]], [[0, 1], [2, 3]], [[0, 1, 2, 3]]])
        let once = try ConceptTreeBuilder.learned(classes: Self.classes(8), vectors: Self.vectors, clusterCounts: [5, 2])
        let twice = try ConceptTreeBuilder.learned(classes: Self.classes(8), vectors: Self.vectors, clusterCounts: [5, 2])
        XCTAssertEqual(once, twice)
    }

    func testBadClusterCountsAreRefused() {
        for counts in [[2, 5], [8], [1], [3, 3]] {
            XCTAssertThrowsError(try ConceptTreeBuilder.learned(classes: Self.classes(8), vectors: Self.vectors, clusterCounts: counts), "\(counts)") {
                XCTAssertTrue("\($0)".contains("must decrease"), "\($0)")
            }
        }
    }

    func testDefaultCutsHalveTheClusters() {
        XCTAssertEqual(ConceptTreeBuilder.defaultClusterCounts(classCount: 10), [5, 2])
        XCTAssertEqual(ConceptTreeBuilder.defaultClusterCounts(classCount: 20), [10, 5, 2])
        XCTAssertEqual(ConceptTreeBuilder.defaultClusterCounts(classCount: 3), [])
    }

    // MARK: Semantic trees

    static func source(_ levels: [SemanticTreeFile.Level]) -> SemanticTreeSource {
        SemanticTreeSource(tree: SemanticTreeFile(dataset: "test", why: "a test", levels: levels), path: "trees/test.json", sha256: "ab")
    }

    func testATreeFileGivesItsGroupsAndAClassSkipsALevel() throws {
        // c0, c1 in "low"; "high" holds "low" and c2; c3 attaches to the root; c4, c5 in "other".
        let source = Self.source([
            .init(name: "group", groups: [.init(id: "low", label: "Low", members: ["c0", "c1"]), .init(id: "other", label: "Other", members: ["c4", "c5"])]),
            .init(name: "upper", groups: [.init(id: "high", label: "High", members: ["low", "c2"])]),
        ])
        let tree = try ConceptTreeBuilder.semantic(classes: Self.classes(6), vectors: Array(Self.vectors.prefix(6)), source: source)
        XCTAssertEqual(tree.info.levels, ["class", "group", "upper", "all"])
        XCTAssertEqual(tree.info.semantic, SemanticTreeOrigin(file: "trees/test.json", sha256: "ab", groups: ["low", "other", "high"]))
        XCTAssertEqual(children(tree, "low"), ["class-0", "class-1"])
        XCTAssertEqual(children(tree, "high"), ["class-2", "low"])
        XCTAssertEqual(children(tree, "all").sorted(), ["class-3", "high", "other"])
        XCTAssertEqual(try concept(tree, "high").info.count, 2)
        XCTAssertEqual(try concept(tree, "low").info.label, "Low")
        try assertMean(tree, of: ["low", "class-2"], is: "high")
        try assertMean(tree, of: ["class-0", "class-1"], is: "low")
        try assertMean(tree, of: (0..<6).map { "class-\($0)" }, is: "all")
    }

    func testTreeFileMistakesAreRefusedByName() {
        func refused(_ levels: [SemanticTreeFile.Level], _ words: [String], line: UInt = #line) {
            XCTAssertThrowsError(try ConceptTreeBuilder.semantic(classes: Self.classes(4), vectors: Array(Self.vectors.prefix(4)), source: Self.source(levels)),
                                 line: line) { error in
                for w in words { XCTAssertTrue("\(error)".contains(w), "'\(w)' not in: \(error)", line: line) }
            }
        }
        refused([.init(name: "g", groups: [.init(id: "x", label: "x", members: ["c0", "zebra"])])], ["'zebra'", "neither a class"])
        refused([.init(name: "g", groups: [.init(id: "x", label: "x", members: ["c0", "c1"]), .init(id: "y", label: "y", members: ["c1", "c2"])])],
                ["class 'c1'", "two groups", "'x' and 'y'"])
        refused([.init(name: "g", groups: [.init(id: "x", label: "x", members: ["c0"])])], ["group 'x'", "needs two"])
        refused([.init(name: "g", groups: [.init(id: "class-1", label: "x", members: ["c0", "c2"])])], ["'class-1'", "used twice"])
        refused([.init(name: "all", groups: [])], ["level name 'all'"])
        refused([.init(name: "g", groups: [.init(id: "x", label: "x", members: ["c0", "c1"])]),
                 .init(name: "h", groups: [.init(id: "y", label: "y", members: ["c1", "c2"])])], ["group 'y'", "part of the lower group 'x'"])
    }

    func testTheFashionMNISTTreeFileBuilds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try SemanticTreeSource(path: root.appendingPathComponent("trees/fashion-mnist.json").path)
        let names = Dataset.fashionMNIST.classNames
        let classes = names.enumerated().map { ConceptInfo(id: "class-\($0)", label: $1, level: "class", parent: nil, count: 6000) }
        let vectors = names.indices.map { c in [Float(c), Float(c * c % 7), 1] }
        let tree = try ConceptTreeBuilder.semantic(classes: classes, vectors: vectors, source: source)
        func members(_ id: String) -> [String] { tree.concepts.filter { $0.parent == id }.map(\.label) }
        XCTAssertEqual(Set(members("upper-body")), ["T-shirt/top", "Pullover", "Coat", "Shirt"])
        XCTAssertEqual(Set(members("footwear")), ["Sandal", "Sneaker", "Ankle boot"])
        XCTAssertEqual(Set(members("all")), ["Trouser", "Dress", "Bag", "upper-body garments", "footwear"])
        XCTAssertEqual(source.sha256.count, 64)
    }
}
