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
        let nearest = bank.nearest(states.view, stride: z, rows: rows, scratch: MemoryBank.Scratch(rows: rows), labels: &all)
        var nearestDistances: [Double] = []
        for r in 0..<rows {
            let distances = (0..<count).map { i in (0..<z).reduce(0.0) { s, j in
                let d = Double(states[r * z + j]) - Double(means[i * z + j])
                return s + d * d
            } }
            XCTAssertEqual(all[r], labels[distances.indices.min { distances[$0] < distances[$1] }!], "state \(r)")
            nearestDistances.append(distances.min()!.squareRoot())
            var alone: [Int32] = [-1]
            bank.nearestLabels(states.view + r * z, stride: z, rows: 1, scratch: MemoryBank.Scratch(rows: 1), into: &alone)
            XCTAssertEqual(alone[0], all[r], "state \(r) alone and among \(rows)")
        }
        // The distance to the nearest memory, over the states: the brute-force minima's mean (and their spread).
        let mean = nearestDistances.reduce(0, +) / Double(rows)
        XCTAssertEqual(Double(nearest.distance.mean), mean, accuracy: 1e-4 * mean)
        let sd = (nearestDistances.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows - 1)).squareRoot()
        XCTAssertEqual(Double(nearest.distance.standardError), sd / Double(rows).squareRoot(), accuracy: 1e-3 * sd)
        XCTAssertEqual(nearest.classShares.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(nearest.classShares[3], Float(all.filter { $0 == 3 }.count) / Float(rows))
    }
}
