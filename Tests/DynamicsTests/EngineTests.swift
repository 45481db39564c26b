import Dynamics
import Foundation
import VAE
import XCTest

final class EngineTests: XCTestCase {
    func parameters(trials: Int, steps: Int) -> DynamicsParameters {
        var p = DynamicsParameters()
        p.trials = trials
        p.steps = steps
        p.seed = 17
        return p
    }

    /// The encoder means of trials 0..<3 at every step, run in a batch of `trials`.
    /// mu(t) of the first `rows` trials at every step.
    func firstTrajectories(_ model: DynamicsModel, trials: Int, steps: Int, rows: Int = 3) throws -> [[Float]] {
        let input = try DynamicsInput.exemplar(of: model, label: 3, index: 1)
        let trajectory = Trajectory(model: model, trials: trials, kernel: GibbsKernel(sampleImage: true, sampleLatent: true))
        var seen: [[Float]] = []
        let z = model.architecture.latentSize
        _ = try trajectory.run(input: input, references: ReferenceSet(model: model, input: input), parameters: parameters(trials: trials, steps: steps),
                               isCancelled: { false }) { _ in
            let m = trajectory.chains.means
            seen.append((0..<rows).flatMap { r in (0..<z).map { m.view[r * m.stride + $0] } })
        }
        return seen
    }

    func testATrialDoesNotDependOnHowManyRunTogether() throws {
        // The paper's layer sizes, so that the matrix products take their real code paths.
        let model = try TestModels.synthetic(.paper)
        // 30 trials reach into the second shard of a 50-trial batch on 2 cores.
        for (trials, rows) in [(1, 1), (3, 3), (30, 30)] {
            let few = try firstTrajectories(model, trials: trials, steps: 12, rows: rows)
            let many = try firstTrajectories(model, trials: 50, steps: 12, rows: rows)
            XCTAssertEqual(few.count, 13)
            let firstDifference = few.indices.first { few[$0] != many[$0] }
            XCTAssertNil(firstDifference, "the first \(rows) trials alone and among 50 part at step \(firstDifference ?? -1)")
        }
    }

    func testTheSameRequestGivesTheSameRecords() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 2, index: 0)
        var p = parameters(trials: 20, steps: 15)
        p.meanImage = true
        p.projection = true
        let a = TestModels.records(try DynamicsRun(model: model, input: input, parameters: p)).map { $0.jsonLine() }
        let b = TestModels.records(try DynamicsRun(model: model, input: input, parameters: p)).map { $0.jsonLine() }
        XCTAssertEqual(a, b)
        p.seed += 1
        let c = TestModels.records(try DynamicsRun(model: model, input: input, parameters: p)).map { $0.jsonLine() }
        XCTAssertNotEqual(a[2], c[2], "another seed, other chains")
    }

    func testCancellationStopsWithinOneStep() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 0, index: 0)
        let run = try DynamicsRun(model: model, input: input, parameters: parameters(trials: 10, steps: 100))
        let flag = CancellationFlag()
        var records: [DynamicsRecord] = []
        run.run(isCancelled: { flag.isCancelled }) { record in
            records.append(record)
            if case .step(let s) = record, s.t == 3 { flag.cancel() }
        }
        XCTAssertEqual(TestModels.steps(records).map(\.t), [0, 1, 2, 3])
        guard case .summary(let summary) = records.last else { return XCTFail("ends with \(String(describing: records.last))") }
        XCTAssertFalse(summary.done)
        XCTAssertEqual(summary.completed, 3)
    }

    func testRecordsFollowTheDocumentedShape() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 6, index: 1)
        let records = TestModels.records(try DynamicsRun(model: model, input: input, parameters: parameters(trials: 8, steps: 4)))
        XCTAssertEqual(records.count, 1 + 5 + 1)
        guard case .start(let start) = records[0], case .summary(let summary) = records.last else { return XCTFail() }
        XCTAssertEqual(start.references.map(\.id), (0..<10).map { "class-\($0)" } + ["all", "self"])
        XCTAssertEqual(start.references.last?.parent, "class-6")
        XCTAssertEqual(start.parameters.seed, 17)
        XCTAssertTrue(summary.done)
        XCTAssertEqual(summary.completed, 4)
        XCTAssertNotNil(summary.stage)
        for line in records.map({ $0.jsonLine() }) {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: line) as? [String: Any])
            XCTAssertEqual(object["model"] as? String, "synthetic", "every record names its model")
            XCTAssertEqual(try JSONDecoder().decode(DynamicsRecord.self, from: line).jsonLine(), line, "round trip")
        }
        let step = try XCTUnwrap(JSONSerialization.jsonObject(with: records[1].jsonLine()) as? [String: Any])
        XCTAssertEqual(Set(step.keys), ["type", "model", "t", "distance", "standardError", "nearest", "classShares", "norm", "controlDistance",
                                        "controlStandardError", "approach", "retention"])
        let steps = TestModels.steps(records)
        for s in steps {
            XCTAssertEqual(s.distance.count, 12)
            XCTAssertEqual(s.classShares.reduce(0, +), 1, accuracy: 1e-5)
        }
        // The summary's minima are the minima of the step records (the window is every
        // step here), reached at the first step that has them.
        let minimum = try XCTUnwrap(summary.minimum), minimumStep = try XCTUnwrap(summary.minimumStep)
        for r in 0..<12 {
            let lowest = steps.map { $0.distance[r] }.min()!
            XCTAssertEqual(minimum[r], lowest, "reference \(r)")
            XCTAssertEqual(minimumStep[r], steps.first { $0.distance[r] == lowest }!.t, "reference \(r)")
        }
    }

    func testBadRequestsAreErrors() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 0, index: 0)
        // Each case with a word its message must contain: the error says which rule broke.
        var cases: [(String, DynamicsParameters, String)] = []
        var p = parameters(trials: 0, steps: 5); cases.append(("no trials", p, "trials must be"))
        p = parameters(trials: 5, steps: 0); cases.append(("no steps", p, "steps must be"))
        p = parameters(trials: 5, steps: 5); p.window = try StepWindow(from: 2, to: 9); cases.append(("window past the end", p, "ends after the last step"))
        p = parameters(trials: 5, steps: 5); p.binarize = false; p.noise = try NoiseModel(kind: .flip, ratio: 0.1); cases.append(("flip on grey", p, "flip noise"))
        p = parameters(trials: 5, steps: 5); p.memory = true; cases.append(("memory without a bank", p, "memory bank"))
        func expect(_ name: String, _ words: String, _ body: () throws -> Void) {
            XCTAssertThrowsError(try body(), name) { error in
                XCTAssertTrue(error is DynamicsError, "\(name): \(type(of: error))")
                XCTAssertTrue("\(error)".contains(words), "\(name): '\(error)' does not say '\(words)'")
            }
        }
        for (name, p, words) in cases { expect(name, words) { _ = try DynamicsRun(model: model, input: input, parameters: p) } }
        expect("a third exemplar", "exemplar") { _ = try DynamicsInput.exemplar(of: model, label: 4, index: 2) }
        let wrongSize = DynamicsInput(pixels: [0, 1], label: nil, info: InputInfo(source: "image", label: nil))
        expect("two pixels", "pixels") { _ = try DynamicsRun(model: model, input: wrongSize, parameters: parameters(trials: 2, steps: 2)) }
        expect("no ratios", "noise ratio") { _ = try SweepRun(model: model, inputs: [input], ratios: [], parameters: parameters(trials: 2, steps: 2)) }
    }

    func testSweepCountsStagesAndChanges() throws {
        let model = try TestModels.synthetic()
        let inputs = try DynamicsInput.exemplars(of: model, labels: [1, 7], perClass: 2)
        let ratios: [Float] = [0, 0.5, 1]
        var records: [DynamicsRecord] = []
        try SweepRun(model: model, inputs: inputs, ratios: ratios, parameters: parameters(trials: 6, steps: 3)).run { records.append($0) }
        let points = records.compactMap { if case .point(let p) = $0 { p } else { nil } }
        XCTAssertEqual(points.count, 12)
        XCTAssertEqual(points.map(\.input), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
        guard case .summary(let s) = records.last else { return XCTFail() }
        XCTAssertTrue(s.done)
        let counts = try XCTUnwrap(s.stageCounts)
        let undecided = try XCTUnwrap(s.undecidedCounts)
        XCTAssertEqual(zip(counts, undecided).map { $0.reduce(0, +) + $1 }, [4, 4, 4], "every input has a stage at every ratio, decided or not")
        for (k, ratio) in ratios.enumerated() {
            for stage in 1...3 {
                XCTAssertEqual(counts[k][stage - 1], points.filter { $0.ratio == ratio && $0.stage == stage && $0.stageDecided == true }.count)
            }
            XCTAssertEqual(undecided[k], points.filter { $0.ratio == ratio && $0.stageDecided == false }.count)
        }
        for p in points { XCTAssertEqual(p.stageDecided, try XCTUnwrap(p.stageSupport) >= StageCall.confidence) }
        // A change is between neighbouring decided calls only.
        XCTAssertEqual(s.stageChanges?.count, 4)
        for (i, changes) in (s.stageChanges ?? []).enumerated() {
            let row = points.filter { $0.input == i }
            for c in changes {
                let k = try XCTUnwrap(ratios.firstIndex(of: c.at))
                XCTAssertTrue(row[k].stageDecided == true && row[k - 1].stageDecided == true && row[k - 1].stage == c.from && row[k].stage == c.to)
            }
        }
    }

    func testBatchedRatiosGiveTheSamePointsAsSeparateRuns() throws {
        let model = try TestModels.synthetic(.paper)
        let input = try DynamicsInput.exemplar(of: model, label: 5, index: 0)
        // 10 and 12 trials (a remainder of 4 and none in the product's 6-row tiles), and 24,
        // which span the two shards of a 2-core machine.
        for trials in [10, 12, 24] {
            func points(_ ratios: [Float]) throws -> [PointRecord] {
                var points: [PointRecord] = []
                try SweepRun(model: model, inputs: [input], ratios: ratios, parameters: parameters(trials: trials, steps: 6)).run {
                    if case .point(let p) = $0 { points.append(p) }
                }
                return points
            }
            let together = try points([0.1, 0.3, 0.6])
            let apart = try [0.1, 0.3, 0.6].flatMap { try points([$0]) }
            XCTAssertEqual(together, apart, "\(trials) trials")
        }
    }

    func testTrialAggregationsAgreeOnOneTrial() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 8, index: 0)
        var p = parameters(trials: 1, steps: 3)
        let trials = TestModels.steps(TestModels.records(try DynamicsRun(model: model, input: input, parameters: p)))
        p.aggregation = .state
        let state = TestModels.steps(TestModels.records(try DynamicsRun(model: model, input: input, parameters: p)))
        XCTAssertNil(state[0].standardError)
        for (a, b) in zip(trials, state) {
            for r in a.distance.indices { XCTAssertEqual(a.distance[r], b.distance[r], accuracy: 1e-5) }
        }
    }
}
