import Dynamics
import Experiments
import Foundation
import XCTest

/// Where a chain ends, read against its control: "moves close to a memory" needs the fall
/// from t = 1 to beat its error, and an input keeps its class only beyond the chain's own mix.
final class ChainEndTests: XCTestCase {
    /// An input's Fig 2b result whose other measures do not matter here, with the given
    /// nearest-memory distances (mean, SE) at t = 0...steps.
    func result(memory: [(Float, Float)]?) throws -> PopulationDynamics.InputResult {
        let steps = (memory?.count ?? 3) - 1
        let flat = [Float](repeating: 1, count: steps + 1)
        let estimate = ["mean": 0, "standardError": 0.1]
        var json: [String: Any] = [
            "approachesEveryClass": true, "start": 1, "first": 1, "minimum": 1, "last": 1, "minimumStep": 0, "passesBy": false,
            "ownShare": [Int: Float](), "finalShares": [Float](), "ownDistance": flat, "norm": flat, "ownControlDistance": flat,
            "ownApproach": Array(repeating: estimate, count: steps + 1), "ownContrastGain": estimate, "rootDistance": flat,
        ]
        if let memory { json["memoryDistance"] = memory.map { ["mean": $0.0, "standardError": $0.1] } }
        return try JSONDecoder().decode(PopulationDynamics.InputResult.self, from: JSONSerialization.data(withJSONObject: json))
    }

    func testMovesToAMemoryOnlyWhenTheFallFromStepOneBeatsItsError() throws {
        // From t = 1 to the end: 2.0 -> 1.5 with SE 0.1 each: the fall, 0.5, is over 2 x 0.141.
        XCTAssertEqual(try result(memory: [(3, 0.1), (2, 0.1), (1.8, 0.1), (1.5, 0.1)]).movesToMemory, true)
        // The same fall within the error of the two steps: not shown.
        XCTAssertEqual(try result(memory: [(3, 0.1), (2, 0.2), (1.8, 0.2), (1.5, 0.2)]).movesToMemory, false)
        // A fall from t = 0 only (the noise leaving the input) is not the claim: the state must move on after t = 1.
        XCTAssertEqual(try result(memory: [(3, 0.1), (1.5, 0.1), (1.5, 0.1), (1.5, 0.1)]).movesToMemory, false)
        // Away from the memories.
        XCTAssertEqual(try result(memory: [(3, 0.1), (1.5, 0.1), (1.8, 0.1), (2.5, 0.1)]).movesToMemory, false)
        // Without a memory bank there is nothing to say.
        XCTAssertNil(try result(memory: nil).movesToMemory)
    }

    func testAnInputKeepsItsClassOnlyBeyondTheRestingShareByTwoBinomialErrors() throws {
        var mix = try RestingMix(model: RestingMixTests.model(), chains: 10, steps: 1, seed: 1)
        mix.resting = [0.25, 0] + [Float](repeating: 0.75 / 8, count: 8)
        // 0.25 + 2 sqrt(0.25 x 0.75 / 100) = 0.3366 with 100 trials.
        XCTAssertTrue(mix.keeps(ownShare: 0.34, label: 0, trials: 100))
        XCTAssertFalse(mix.keeps(ownShare: 0.33, label: 0, trials: 100))
        // Fewer trials, a wider margin: 0.25 + 2 sqrt(0.1875 / 10) = 0.524.
        XCTAssertFalse(mix.keeps(ownShare: 0.5, label: 0, trials: 10))
        // A class the chain never rests in: any trial kept is beyond it, none is not.
        XCTAssertTrue(mix.keeps(ownShare: 0.01, label: 1, trials: 100))
        XCTAssertFalse(mix.keeps(ownShare: 0, label: 1, trials: 100))
    }
}
