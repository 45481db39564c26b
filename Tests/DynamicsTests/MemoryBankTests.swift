import Dynamics
import VAE
import XCTest

/// The nearest memory of a state: exact, across the bank's blocks of memories, and the same
/// alone as among other states.
final class MemoryBankTests: XCTestCase {
    func testNearestMemoriesAreExactAndDoNotDependOnTheOtherStates() {
        let z = 12, count = 5000, rows = 23  // 5,000 memories: a block of 4,096 and a partial one
        var rng = RandomStream(seed: 2)
        let means = (0..<count * z).map { _ in 2 * rng.uniform() - 1 }
        let labels = (0..<count).map { Int32($0 % 10) }
        let bank = MemoryBank(means: means, labels: labels, latentSize: z, classCount: 10)
        let states = FloatBuffer((0..<rows * z).map { _ in 2 * rng.uniform() - 1 })
        var all = [Int32](repeating: -1, count: rows)
        bank.nearestLabels(states.view, stride: z, rows: rows, scratch: MemoryBank.Scratch(rows: rows), into: &all)
        for r in 0..<rows {
            let distances = (0..<count).map { i in (0..<z).reduce(0.0) { s, j in
                let d = Double(states[r * z + j]) - Double(means[i * z + j])
                return s + d * d
            } }
            XCTAssertEqual(all[r], labels[distances.indices.min { distances[$0] < distances[$1] }!], "state \(r)")
            var alone: [Int32] = [-1]
            bank.nearestLabels(states.view + r * z, stride: z, rows: 1, scratch: MemoryBank.Scratch(rows: 1), into: &alone)
            XCTAssertEqual(alone[0], all[r], "state \(r) alone and among \(rows)")
        }
    }
}
