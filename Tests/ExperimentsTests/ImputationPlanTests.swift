import Dynamics
import Experiments
import Foundation
import XCTest

/// How `vaedyn impute` is cut into shards: the plan's units are every curve's batches of
/// images, then one unit per stage input, and each unit weighs the chain-steps it runs,
/// counted here from what running it gives back; cut by those weights, every shard gets its
/// share of the work within one unit.
final class ImputationPlanTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `count` test images in MNIST's IDX files (t10k-*), labels 0...9 in turn.
    func writeTestSet(count: Int, into folder: URL) throws {
        func header(_ magic: UInt32, _ dimensions: [UInt32]) -> Data {
            Data(([magic] + dimensions).flatMap { withUnsafeBytes(of: $0.bigEndian, Array.init) })
        }
        var images = header(0x803, [UInt32(count), 28, 28])
        images.append(contentsOf: (0..<count).flatMap { n in (0..<784).map { UInt8(truncatingIfNeeded: n * 31 + $0 * 7) } })
        var labels = header(0x801, [UInt32(count)])
        labels.append(contentsOf: (0..<count).map { UInt8($0 % 10) })
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try images.write(to: folder.appendingPathComponent("t10k-images-idx3-ubyte"))
        try labels.write(to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
    }

    /// The counts a curve unit's tallies hold at each t: one per hidden pixel of each image run.
    func pixelCounts(_ result: ImputationPlan.Result) throws -> [Int]? {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        guard let tallies = object?["tallies"] as? [[String: Any]] else { return nil }
        return tallies.map { t in ["truePositive", "falsePositive", "falseNegative", "trueNegative"].reduce(0) { $0 + (t[$1] as? Int ?? 0) } }
    }

    func testAPlansUnitsWeighTheChainStepsTheyRunAndTheCutBalancesThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("impute-plan-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTestSet(count: 120, into: folder)
        // 120 images under 2 masks with 2 kernels, 3 chains of t = 0...4 each; then one input
        // per class, each under 3 fractions hidden, 3 chains of t = 0...3.
        let (trials, steps, stageTrials, stageSteps) = (3, 4, 3, 3)
        let plan = try ImputationPlan(settings: ImputationRunSettings(
            model: root.appendingPathComponent("models/mnist-default.vaem").path, data: folder.path, masks: ["top-half", "random:0.5"],
            kernels: [.clamped, .mwg], fractions: "0.2:0.8:0.3", stageKernel: .mwg, results: folder.appendingPathComponent("unused.jsonl").path,
            shared: ImputationSettings(images: 120, trials: trials, steps: steps, perClass: 1, stageTrials: stageTrials, stageSteps: stageSteps, seed: 1)))
        let classes = 10
        // Batches of 50 images (ImputationExperiment's), in order, for each curve; then the stage inputs.
        let batches = [50, 50, 20]
        XCTAssertEqual(plan.units, (0..<4).flatMap { c in batches.indices.map { ImputationPlan.Unit.curve(c, batch: $0) } }
                       + (0..<classes).map { ImputationPlan.Unit.stage(input: $0) })
        XCTAssertEqual(plan.unitCount, 4 * batches.count + classes)
        XCTAssertEqual(plan.curves[0].mask.hiddenCount, 784 / 2, "top-half")

        // What each unit costs, from what it gave back: a curve batch's tallies (one per t, each
        // counting every hidden pixel of every image it ran) times its chains per image; a
        // stage input's stages (one run per fraction) times a run's chain-steps.
        let (results, _) = try plan.run(0..<plan.unitCount, isCancelled: { false }) { _ in }
        XCTAssertEqual(results.count, plan.unitCount)
        var costs: [Int] = []
        for (u, unit) in plan.units.enumerated() {
            switch unit {
            case let .curve(c, batch):
                let counts = try XCTUnwrap(try pixelCounts(results[u]), "unit \(u) gave no tallies")
                let hidden = plan.curves[c].mask.hiddenCount
                XCTAssertEqual(counts.count, steps + 1, "unit \(u): a tally at each t = 0...\(steps)")
                XCTAssert(counts.allSatisfy { $0 == counts[0] && $0 % hidden == 0 }, "unit \(u): \(counts)")
                let images = counts[0] / hidden
                XCTAssertEqual(images, batches[batch], "unit \(u)")
                costs.append(images * trials * counts.count)
            case .stage:
                XCTAssertNil(try pixelCounts(results[u]), "unit \(u)")
                guard case .stages(let stages) = results[u] else { return XCTFail("unit \(u) gave no stages") }
                XCTAssertEqual(stages.count, 3, "unit \(u): fractions 0.2, 0.5 and 0.8")
                costs.append(stages.count * stageTrials * (stageSteps + 1))
            }
        }
        XCTAssertEqual(plan.weights, costs)

        // Cut by those weights: every unit once, in order, in contiguous ranges; each shard's
        // chain-steps within one unit's of its share of the whole.
        let total = costs.reduce(0, +), largest = costs.max()!
        for n in 1...4 {
            let ranges = try (0..<n).map { try Shard(index: $0, count: n).units(weights: plan.weights) }
            XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<plan.unitCount), "\(n) shards")
            for r in ranges {
                let cost = r.reduce(0) { $0 + costs[$1] }
                XCTAssertLessThanOrEqual(abs(n * cost - total), n * largest, "\(n) shards: \(r) costs \(cost) of \(total)")
            }
        }
    }
}
