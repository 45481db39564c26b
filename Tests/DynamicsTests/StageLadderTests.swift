import Dynamics
import VAE
import XCTest

/// The N-level stage ladder on hand-made distance profiles.
final class StageLadderTests: XCTestCase {
    /// The synthetic model under a four-level tree: class -> group-1 -> group-2 -> all, with
    /// "pair" = {0, 1} at group-1 and "big" = {pair, 2} at group-2; 2 skips group-1 and
    /// 3...9 attach to the root directly.
    static func deepModel() throws -> DynamicsModel {
        var bundle = try TestModels.synthetic().bundle
        let (classes, vectors) = ConceptTree.classes(of: bundle)
        let file = SemanticTreeFile(dataset: "random", why: "a test", levels: [
            .init(name: "group-1", groups: [.init(id: "pair", label: "pair", members: ["0", "1"])]),
            .init(name: "group-2", groups: [.init(id: "big", label: "big", members: ["pair", "2"])]),
        ])
        try ConceptTreeBuilder.semantic(classes: classes, vectors: vectors, source: SemanticTreeSource(tree: file, path: "t.json", sha256: "0"))
            .apply(to: &bundle)
        return try DynamicsModel(bundle: bundle)
    }

    func ladder(_ model: DynamicsModel, label: Int) throws -> (StageLadder, ReferenceSet) {
        let references = ReferenceSet(model: model, input: try DynamicsInput.exemplar(of: model, label: label, index: 0))
        return (try XCTUnwrap(StageLadder(model: model, references: references, label: label)), references)
    }

    /// Distances of 9 everywhere but where given.
    func profile(_ references: ReferenceSet, _ given: [String: Float]) -> [Float] {
        var d = [Float](repeating: 9, count: references.count)
        for (id, v) in given { d[references.index(of: id)!] = v }
        return d
    }

    func testTheModelNamesItsLevelsAndChildren() throws {
        let model = try Self.deepModel()
        XCTAssertEqual(model.levels, ["item", "class", "group-1", "group-2", "all"])
        let big = model.concepts.firstIndex { $0.id == "big" }!
        XCTAssertEqual(model.children(of: big).map { model.concepts[$0].id }, ["class-2", "pair"])
        let all = model.concepts.firstIndex { $0.id == "all" }!
        XCTAssertEqual(Set(model.children(of: all).map { model.concepts[$0].id }), Set(["big"] + (3..<10).map { "class-\($0)" }))
        XCTAssertEqual(model.children(of: model.classConcept(label: 0)!), [])
        XCTAssertEqual(try TestModels.synthetic().levels, ["item", "class", "all"])
    }

    func testFourLevelsGiveFiveStagesNamedByLevel() throws {
        let model = try Self.deepModel()
        let (ladder, r) = try ladder(model, label: 0)
        XCTAssertEqual(ladder.rungs.map { r.infos[$0].id }, ["self", "class-0", "pair", "big", "all"])
        let cases: [([String: Float], Int, String, String)] = [
            (["self": 1, "class-0": 2], 1, "self", "item"),
            (["class-0": 1, "pair": 2], 2, "class-0", "class"),
            (["pair": 1, "big": 2, "all": 3], 3, "pair", "group-1"),
            (["big": 1, "all": 1.5], 4, "big", "group-2"),
            (["all": 0.5, "big": 1], 5, "all", "all"),
        ]
        for (given, stage, reference, level) in cases {
            let s = ladder.stage(profile(r, given))
            XCTAssertEqual(s.stage, stage, "\(given)")
            XCTAssertEqual(r.infos[s.reference].id, reference, "\(given)")
            XCTAssertEqual(s.level, level, "\(given)")
        }
    }

    func testTiesGoToTheMoreSpecificLevel() throws {
        let (ladder, r) = try ladder(try Self.deepModel(), label: 0)
        XCTAssertEqual(ladder.stage(profile(r, ["self": 1, "class-0": 1, "pair": 1, "big": 1, "all": 1])).stage, 1)
        XCTAssertEqual(ladder.stage(profile(r, ["class-0": 1, "pair": 1, "all": 1])).stage, 2)
        XCTAssertEqual(ladder.stage(profile(r, ["pair": 0.5, "big": 0.5])).level, "group-1")
        XCTAssertEqual(ladder.stage(profile(r, ["big": 0.5, "all": 0.5])).level, "group-2")
    }

    func testAClassThatSkipsALevelSkipsItsStage() throws {
        let model = try Self.deepModel()
        let (two, r2) = try ladder(model, label: 2)
        XCTAssertEqual(two.rungs.map { r2.infos[$0].id }, ["self", "class-2", "big", "all"])
        XCTAssertEqual(two.rungLevels, [0, 1, 3, 4])
        // "pair" is not an ancestor of class 2: its distance does not count.
        XCTAssertEqual(two.stage(profile(r2, ["pair": 0, "big": 1, "all": 2])).stage, 4)
        let (five, r5) = try ladder(model, label: 5)
        XCTAssertEqual(five.rungs.map { r5.infos[$0].id }, ["self", "class-5", "all"])
        XCTAssertEqual(five.stage(profile(r5, ["pair": 0, "big": 0, "class-5": 2, "all": 3])).stage, 2)
        XCTAssertEqual(five.stage(profile(r5, ["class-5": 2, "all": 1])).stage, 5)
    }

    func testTheOneLevelTreeIsThePapersThreeStages() throws {
        let model = try TestModels.synthetic()
        let (ladder, r) = try ladder(model, label: 4)
        XCTAssertEqual(ladder.rungs.map { r.infos[$0].id }, ["self", "class-4", "all"])
        XCTAssertEqual(ladder.stage(profile(r, ["self": 1, "class-4": 1, "all": 1])).stage, 1)
        XCTAssertEqual(ladder.stage(profile(r, ["self": 2, "class-4": 1, "all": 1])).stage, 2)
        let s = ladder.stage(profile(r, ["self": 2, "class-4": 1.5, "all": 1]))
        XCTAssertEqual([s.stage], [3])
        XCTAssertEqual(s.level, "all")
    }

    func testASweepCountsOneEntryPerLevelAndNamesTheLevel() throws {
        let model = try Self.deepModel()
        let inputs = try DynamicsInput.exemplars(of: model, labels: [0, 2, 5], perClass: 1)
        var p = DynamicsParameters()
        p.trials = 3
        p.steps = 2
        var records: [DynamicsRecord] = []
        try SweepRun(model: model, inputs: inputs, ratios: [0, 1], parameters: p).run { records.append($0) }
        guard case .start(let start) = records.first, case .summary(let summary) = records.last else { return XCTFail("\(records)") }
        XCTAssertEqual(start.levels, model.levels)
        let points = records.compactMap { if case .point(let p) = $0 { p } else { nil } }
        for point in points {
            let stage = try XCTUnwrap(point.stage)
            XCTAssertEqual(point.stageLevel, model.levels[stage - 1])
            XCTAssertEqual(model.concepts.first { $0.id == point.stageReference }?.level ?? "item", point.stageLevel)
        }
        let counts = try XCTUnwrap(summary.stageCounts)
        XCTAssertEqual(counts.map(\.count), [5, 5])
        XCTAssertEqual(zip(counts, try XCTUnwrap(summary.undecidedCounts)).map { $0.reduce(0, +) + $1 }, [3, 3], "decided or undecided, every input once")
        // Class 5 has no group ancestors: its points are never at stage 3 or 4.
        XCTAssertTrue(points.filter { $0.input == 2 }.allSatisfy { ![3, 4].contains($0.stage!) })
    }
}
