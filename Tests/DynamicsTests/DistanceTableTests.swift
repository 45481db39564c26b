import Dynamics
import VAE
import XCTest

final class DistanceTableTests: XCTestCase {
    func testDistancesStatisticsAndShares() throws {
        let model = try TestModels.synthetic(Architecture(inputSize: 784, hiddenSize: 16, latentSize: 2))
        let references = ReferenceSet(model: model, input: nil)
        // Two trials in Z = 2, at concept 0 and at concept 3.
        let c = model.bundle.conceptVectors
        let states = c[0] + c[3]
        let table = DistanceTable(references: references, metric: .euclidean, trials: 2)
        table.measure(FloatBuffer(states).view, stride: 2)
        func dist(_ a: [Float], _ b: [Float]) -> Float { ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])).squareRoot() }
        XCTAssertEqual(table.distances[0], 0)
        XCTAssertEqual(table.distances[references.count + 3], 0)
        XCTAssertEqual(table.distances[1], dist(c[0], c[1]), accuracy: 1e-5)
        let (mean, error) = table.trialStatistics(rows: 0..<2)
        let d = dist(c[0], c[3])
        XCTAssertEqual(mean[0], d / 2, accuracy: 1e-5)
        XCTAssertEqual(error[0], d / 2, accuracy: 1e-4, "sd of {0, d} is d/sqrt(2); over sqrt(2) trials, d/2")
        let shares = table.nearestClassShares(rows: 0..<2)
        XCTAssertEqual(shares[0], 0.5)
        XCTAssertEqual(shares[3], 0.5)
        let averaged = table.averageStateDistances(FloatBuffer(states).view, stride: 2, rows: 0..<2)
        let middle = [(c[0][0] + c[3][0]) / 2, (c[0][1] + c[3][1]) / 2]
        XCTAssertEqual(averaged[5], dist(middle, c[5]), accuracy: 1e-5)
    }

    func testCosineDistance() throws {
        let model = try TestModels.synthetic(Architecture(inputSize: 784, hiddenSize: 16, latentSize: 2))
        let references = ReferenceSet(model: model, input: nil)
        let c = model.bundle.conceptVectors[2]
        let table = DistanceTable(references: references, metric: .cosine, trials: 2)
        table.measure(FloatBuffer([3 * c[0], 3 * c[1], -c[0], -c[1]]).view, stride: 2)
        XCTAssertEqual(table.distances[2], 0, accuracy: 1e-6, "same direction")
        XCTAssertEqual(table.distances[references.count + 2], 2, accuracy: 1e-6, "opposite direction")
    }

    func testNearestMemoryMatchesBruteForce() {
        var rng = RandomStream(seed: 11)
        let z = 5, count = MemoryBank.block + 900, rows = 7
        let means = (0..<(count * z)).map { _ in rng.gaussianPair().0 }
        let labels = (0..<count).map { Int32($0 % 10) }
        let bank = MemoryBank(means: means, labels: labels, latentSize: z, classCount: 10)
        let states = (0..<(rows * z)).map { _ in rng.gaussianPair().0 }
        var found = [Int32](repeating: -1, count: rows)
        bank.nearestLabels(FloatBuffer(states).view, stride: z, rows: rows, scratch: MemoryBank.Scratch(rows: rows), into: &found)
        for r in 0..<rows {
            let best = (0..<count).min { a, b in
                func d(_ i: Int) -> Float { (0..<z).reduce(0) { $0 + (states[r * z + $1] - means[i * z + $1]) * (states[r * z + $1] - means[i * z + $1]) } }
                return d(a) < d(b)
            }!
            XCTAssertEqual(found[r], labels[best], "row \(r)")
        }
    }

    func testStageLadderFollowsTheConceptTree() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 6, index: 0)
        let references = ReferenceSet(model: model, input: input)
        let ladder = try XCTUnwrap(StageLadder(model: model, references: references, label: 6))
        XCTAssertEqual(ladder.rungs.map { references.infos[$0].id }, ["self", "class-6", "all"])
        var d = [Float](repeating: 9, count: references.count)
        d[references.index(of: "class-6")!] = 2
        d[references.index(of: "all")!] = 3
        XCTAssertEqual(ladder.stage(d).stage, 2)
        d[references.index(of: "all")!] = 1
        XCTAssertEqual(ladder.stage(d).stage, 3)
        XCTAssertNil(StageLadder(model: model, references: references, label: nil))
    }
}
