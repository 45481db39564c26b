import Foundation
import VAE
import XCTest

/// A model file's concept tree is checked at load: broken trees are refused by name.
final class ConceptTreeValidationTests: XCTestCase {
    /// Six classes in Z = 3 under a learned tree cut at 3 and 2 clusters.
    func bundle() throws -> ModelBundle {
        let a = Architecture(inputSize: 4, hiddenSize: 2, latentSize: 3)
        let p = Parameters(a)
        p.initialize(seed: 1)
        var d = ModelDescription(id: "tree", dataset: "test", architecture: a, classNames: (0..<6).map { "c\($0)" })
        d.exemplars = [ExemplarInfo(label: 0, testIndex: 0)]
        var bundle = ModelBundle(description: d, parameters: p, exemplarPixels: [[0, 1, 2, 3]])
        let classes = (0..<6).map { ConceptInfo(id: "class-\($0)", label: "c\($0)", level: "class", parent: nil, count: 5) }
        let vectors: [[Float]] = [[0, 0, 0], [5, 0, 0], [0, 0.5, 0], [5, 0.5, 0], [20, 0, 0], [20, 1, 0]]
        try ConceptTreeBuilder.learned(classes: classes, vectors: vectors, clusterCounts: [3, 2]).apply(to: &bundle)
        return bundle
    }

    func index(_ b: ModelBundle, _ id: String) -> Int { b.description.concepts.firstIndex { $0.id == id }! }

    func group(_ b: ModelBundle) -> Int { b.description.concepts.firstIndex { $0.level == "group-1" }! }

    func assertRefused(_ b: ModelBundle, _ words: [String], line: UInt = #line) {
        XCTAssertThrowsError(try b.validate(), line: line) { error in
            for w in words { XCTAssertTrue("\(error)".contains(w), "'\(w)' not in: \(error)", line: line) }
        }
    }

    func testABuiltTreeLoadsBackWithItsRecord() throws {
        let b = try bundle()
        let loaded = try ModelBundle(data: try b.encoded())
        XCTAssertEqual(loaded.description.conceptTree, b.description.conceptTree)
        XCTAssertEqual(loaded.description.conceptLevels, ["class", "group-1", "group-2", "all"])
        XCTAssertEqual(loaded.description.concepts, b.description.concepts)
        XCTAssertEqual(loaded.conceptVectors, b.conceptVectors)
    }

    func testAFileWithoutATreeRecordIsThePapersTree() throws {
        var b = try bundle()
        ConceptTreeBuilder.paper(classes: ConceptTree.classes(of: b).concepts, vectors: ConceptTree.classes(of: b).vectors).apply(to: &b)
        b.description.conceptTree = nil
        XCTAssertNoThrow(try b.validate())
        XCTAssertEqual(b.description.conceptLevels, ["class", "all"])
        // Without the record a group level is not one of the tree's.
        var deep = try bundle()
        deep.description.conceptTree = nil
        assertRefused(deep, ["has the level 'group-1'", "not one of the tree's levels [\"class\", \"all\"]"])
    }

    func testAMissingParentIsRefused() throws {
        var b = try bundle()
        b.description.concepts[index(b, "class-2")].parent = "nowhere"
        assertRefused(b, ["concept 'class-2'", "parent 'nowhere'", "not a concept"])
    }

    func testACycleIsRefused() throws {
        var b = try bundle()
        let g = group(b)
        let child = b.description.concepts.first { $0.parent == b.description.concepts[g].id }!.id
        b.description.concepts[g].parent = child
        assertRefused(b, ["its own ancestor", "\(child) -> \(b.description.concepts[g].id) -> \(child)"])
    }

    func testAParentOfTheSameLevelIsRefused() throws {
        var b = try bundle()
        b.description.concepts[index(b, "class-0")].parent = "class-5"
        assertRefused(b, ["concept 'class-0' of level 'class'", "parent 'class-5' of level 'class'", "more abstract"])
    }

    func testAGroupThatIsNotTheMeanOfItsChildrenIsRefused() throws {
        var b = try bundle()
        let g = group(b)
        b.conceptVectors[g][1] += 0.01
        assertRefused(b, ["group concept '\(b.description.concepts[g].id)'", "not the mean", "component 1"])
        // Float rounding of a mean is not a difference.
        var rounded = try bundle()
        rounded.conceptVectors[g][1] = rounded.conceptVectors[g][1].nextUp
        XCTAssertNoThrow(try rounded.validate())
    }

    func testAGroupWithAWrongCountOrNoChildrenIsRefused() throws {
        var b = try bundle()
        b.description.concepts[group(b)].count += 1
        assertRefused(b, ["has the count", "child concepts"])
        var empty = try bundle()
        let g = group(empty)
        for i in empty.description.concepts.indices where empty.description.concepts[i].parent == empty.description.concepts[g].id {
            empty.description.concepts[i].parent = "all"
        }
        assertRefused(empty, ["group concept '\(empty.description.concepts[g].id)'", "no child concepts"])
    }

    func testRootsAndLevelsMustBeTheTreesOwn() throws {
        var two = try bundle()
        two.description.concepts[group(two)].parent = nil
        assertRefused(two, ["2 roots", "exactly one"])
        var low = try bundle()
        low.description.conceptTree?.levels = ["class", "group-1", "all", "group-2"]
        assertRefused(low, ["more abstract"])
        var noClass = try bundle()
        noClass.description.conceptTree?.levels = ["group-1", "group-2", "all"]
        assertRefused(noClass, ["start with 'class'"])
        var item = try bundle()
        item.description.conceptTree?.levels = ["class", "item", "group-1", "group-2", "all"]
        assertRefused(item, ["not include 'item'"])
    }
}
