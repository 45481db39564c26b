import Dynamics
import VAE
import XCTest

/// The survival of the input's class on trials that leave it at known steps.
final class RetentionTests: XCTestCase {
    func testTheSurvivalCurveAndTheMedianEscapeFollowTheTrialsEscapes() throws {
        // Two class concepts on a line; trial i sits at the own one (-1) until step escape[i], then at the other (+1).
        let infos = [ReferenceInfo(id: "class-0", label: "0", level: "class", parent: nil), ReferenceInfo(id: "class-1", label: "1", level: "class", parent: nil)]
        let references = ReferenceSet(infos: infos, vectors: [-1, 1], latentSize: 1, classReferences: [0, 1])
        let escapes: [Int?] = (0..<100).map { $0 < 80 ? 1 + $0 / 10 : nil }  // 10 trials leave at each of t = 1...8, 20 never
        let table = DistanceTable(references: references, metric: .euclidean, trials: 100)
        let retention = Retention(ownClass: 0, trials: 100)
        var curve: [Float] = []
        for t in 0...10 {
            let states = FloatBuffer(escapes.map { e in e.map { t >= $0 } == true ? 1 : -1 })
            table.measure(states.view, stride: 1)
            curve.append(retention.observe(t: t, table: table, rows: 0..<100))
        }
        XCTAssertEqual(curve, [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.2, 0.2])
        // Half have left by t = 5 (the 50th escape time); the 95 % ranks of 100 are the 40th and the 61st: t = 4 and 7.
        XCTAssertEqual(retention.median(rows: 0..<100, steps: 10), EscapeTime(median: 5, low: 4, high: 7))
        // Cut at 5 steps, the upper bound lies beyond the run.
        XCTAssertEqual(retention.median(rows: 0..<100, steps: 5).high, nil)
    }
}
