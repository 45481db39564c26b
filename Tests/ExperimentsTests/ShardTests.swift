import Experiments
import Foundation
import XCTest

/// How population runs are cut and merged: every unit once, in order, the same cut on
/// every machine, and shards of other runs refused.
final class ShardTests: XCTestCase {
    func testTheEvenCutCoversEveryUnitOnceInSizesWithinOne() throws {
        for total in [0, 1, 7, 10, 100] {
            for n in 1...6 {
                let ranges = try (0..<n).map { try Shard(index: $0, count: n).units(of: total) }
                XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<total), "\(total) units in \(n)")
                let sizes = ranges.map(\.count)
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(total) units in \(n): \(sizes)")
            }
        }
    }

    func testTheWeightedCutGivesEachShardItsShareWithinOneUnit() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let weights = (0..<Int.random(in: 1...60, using: &rng)).map { _ in Int.random(in: 0...1000, using: &rng) }
            let total = weights.reduce(0, +), largest = weights.max()!
            for n in 1...5 {
                let ranges = try (0..<n).map { try Shard(index: $0, count: n).units(weights: weights) }
                XCTAssertEqual(ranges.flatMap { Array($0) }, Array(weights.indices), "\(weights) in \(n)")
                for r in ranges {
                    let cost = r.reduce(0) { $0 + weights[$1] }
                    XCTAssertLessThanOrEqual(abs(n * cost - total), n * largest, "\(weights) in \(n): a shard costs \(cost) of \(total)")
                }
            }
        }
    }

    func testShardsAreNamedOrRefusedInWords() throws {
        XCTAssertEqual(try Shard(parsing: "2/5"), try Shard(index: 2, count: 5))
        for bad in ["5/5", "-1/3", "1", "a/b", "0/0", "1/2/3"] {
            XCTAssertThrowsError(try Shard(parsing: bad), bad) { XCTAssert("\($0)".contains("shard") || "\($0)".contains("I/N"), "\($0)") }
        }
        XCTAssertEqual(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]), try Shard(index: 3, count: 4))
        XCTAssertNil(try Shard.fromEnvironment([:]))
        XCTAssertThrowsError(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"]))
    }

    struct Settings: Codable, Equatable { var size: Int }

    func write(_ shard: Shard, units: Range<Int>, settings: Settings = Settings(size: 3), total: Int = 7, into folder: URL) throws -> URL {
        let header = ShardFile<Settings, String>.Header(command: "test", settings: settings, inputSHA256: "abc", shard: shard, units: total)
        return try ShardFile(header: header, lines: units.map { .init(unit: $0, result: "r\($0)") }).write(into: folder)
    }

    func testShardsMergeToTheUnitsInOrderAndOthersAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shards-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let shards = try (0..<3).map { try Shard(index: $0, count: 3) }
        let files = try shards.map { try write($0, units: $0.units(of: 7), into: folder) }
        let merged = try ShardFile<Settings, String>.merge(files.reversed())
        XCTAssertEqual(merged.results, (0..<7).map { "r\($0)" })
        XCTAssertEqual(merged.ordered, files)

        let other = folder.appendingPathComponent("other")
        let refusals: [(URL, String)] = [
            (try write(shards[1], units: 2..<4, settings: Settings(size: 4), into: other), "another run"),
            (try write(try Shard(index: 1, count: 4), units: 2..<4, into: other.appendingPathComponent("n")), "another run"),
            (try write(shards[1], units: 3..<4, into: other.appendingPathComponent("cut")), "holds units"),
        ]
        for (file, words) in refusals {
            XCTAssertThrowsError(try ShardFile<Settings, String>.merge([files[0], file, files[2]])) { XCTAssert("\($0)".contains(words), "\($0)") }
        }
        XCTAssertThrowsError(try ShardFile<Settings, String>.merge([files[0], files[2]])) { XCTAssert("\($0)".contains("missing"), "\($0)") }
        XCTAssertThrowsError(try ShardFile<Settings, String>.merge([files[0], files[0], files[2]])) { XCTAssert("\($0)".contains("twice"), "\($0)") }
    }

    func testMergeKnowsEveryShardedCommandOnceAndRefusesOthers() throws {
        XCTAssertEqual(ShardedRuns.all.map { $0.command }, ["reproduce", "sweep", "impute", "study"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shards-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try write(try Shard(index: 0, count: 1), units: 0..<7, into: folder)
        XCTAssertThrowsError(try ShardedRuns.merge([file]) { _ in }) { XCTAssert("\($0)".contains("`vaedyn test`, which this build cannot merge"), "\($0)") }
        let notAShard = folder.appendingPathComponent("notes.jsonl")
        try Data("{\"hello\": 1}\n".utf8).write(to: notAShard)
        XCTAssertThrowsError(try ShardedRuns.merge([notAShard]) { _ in }) { XCTAssert("\($0)".contains("not a vaedyn shard file"), "\($0)") }
    }
}
