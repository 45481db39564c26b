import Dynamics
import Foundation
import XCTest

/// The start record's `parameters` under the names requests take, each key bound to the
/// property it means, and the ranges validate() checks.
final class RunParameterTests: XCTestCase {
    /// Every field but z away from its default (z stays `sample` while x is `mean`, so that
    /// x and z bound to each other's property would show), spelt as requests spell them.
    static let everyField = #"""
    {"steps": 7, "trials": 3, "seed": 11, "noise": {"kind": "gaussian", "ratio": 0.5}, "binarize": false,
     "x": "mean", "z": "sample", "kernel": "clamped", "mask": "random:0.5:3", "measure": "sample", "metric": "cosine", "aggregate": "state",
     "window": {"from": 1, "to": 2}, "meanImage": true, "projection": true, "memory": true, "contrast": true}
    """#

    static func object(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// JSON text in one spelling: keys sorted, numbers as JSONSerialization writes them.
    static func normalized(_ data: Data) throws -> Data {
        try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: data), options: .sortedKeys)
    }

    func testEachEchoedNameSetsTheParameterItMeans() throws {
        let decoded = try JSONDecoder().decode(DynamicsParameters.self, from: Data(Self.everyField.utf8))
        var expected = DynamicsParameters()
        expected.steps = 7
        expected.trials = 3
        expected.seed = 11
        expected.noise = try NoiseModel(kind: .gaussian, ratio: 0.5)
        expected.binarize = false
        expected.image = .mean
        expected.latent = .sample
        expected.kernel = .clamped
        expected.mask = .named("random:0.5:3")
        expected.measure = .sample
        expected.metric = .cosine
        expected.aggregation = .state
        expected.window = try StepWindow(from: 1, to: 2)
        expected.meanImage = true
        expected.projection = true
        expected.memory = true
        expected.contrast = true
        XCTAssertEqual(decoded, expected)
        XCTAssertEqual(try Self.normalized(JSONEncoder().encode(expected)), try Self.normalized(Data(Self.everyField.utf8)))
    }

    func testTheDefaultRecordHasEveryKeyButTheWindowAndTheMask() throws {
        let keys = try Self.object(JSONEncoder().encode(DynamicsParameters())).keys.sorted()
        XCTAssertEqual(keys, ["aggregate", "binarize", "contrast", "kernel", "meanImage", "measure", "memory", "metric", "noise", "projection", "seed",
                              "steps", "trials", "x", "z"])
        XCTAssertEqual(RunParameter.all.map(\.name).sorted(), (keys + ["window", "mask"]).sorted(), "the table and the record disagree")
    }

    func testTheOldEchoedNamesAreNotRead() throws {
        // A record of before the rename: `image` was the x draw mode, which a request's `image` (its input) collides with.
        let old = Self.everyField.replacingOccurrences(of: #""x":"#, with: #""image":"#)
        XCTAssertThrowsError(try JSONDecoder().decode(DynamicsParameters.self, from: Data(old.utf8)))
    }

    func testValidateChecksTheTablesRanges() throws {
        var p = DynamicsParameters()
        XCTAssertNoThrow(try p.validate())
        for (name, bad) in [("steps", 0), ("steps", 100_001), ("trials", 0), ("trials", 100_001), ("seed", (1 << 53) + 1)] {
            var q = p
            try XCTUnwrap(RunParameter.named(name)).set(.integer(bad), in: &q)
            XCTAssertThrowsError(try q.validate(), "\(name) = \(bad)") { XCTAssertTrue("\($0)".hasPrefix(name), "\($0)") }
        }
        p.seed = .max
        XCTAssertThrowsError(try p.validate(), "a seed beyond what JSON holds exactly")
        p.seed = 1 << 53
        XCTAssertNoThrow(try p.validate())
    }

    func testAValueOfAnotherKindIsRefused() throws {
        var p = DynamicsParameters()
        XCTAssertThrowsError(try XCTUnwrap(RunParameter.named("x")).set(.choice("maybe"), in: &p))
        XCTAssertThrowsError(try XCTUnwrap(RunParameter.named("steps")).set(.boolean(true), in: &p))
        XCTAssertEqual(p, DynamicsParameters())
    }
}
