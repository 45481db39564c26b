import Foundation
import VAE
import XCTest

/// Adam applied band by band while `Network` computes the gradient must equal the textbook
/// step on the whole gradient: every parameter updated once, with bias correction, and the
/// moments carried from one step to the next.
final class AdamTests: XCTestCase {
    func testBandwiseStepsEqualTextbookStepsOnTheWholeGradient() {
        // 700 x 200 weights are 140,000 floats: more than one gradient band each.
        let a = Architecture(inputSize: 700, hiddenSize: 200, latentSize: 7)
        let network = checkTwoSteps(a, liveShare: 0.8)
        XCTAssertLessThan(network.gradientBandCapacity, a.inputSize * a.hiddenSize, "one band per layer would prove less")
    }

    /// A weight row wider than a band is a band of its own, not a crash.
    func testRowsWiderThanABandAreBandsOfTheirOwn() {
        let a = Architecture(inputSize: 5, hiddenSize: 140_000, latentSize: 2)
        // Few inputs: more of the first layer's rows see no pixel on in 12 rows.
        XCTAssertEqual(checkTwoSteps(a, liveShare: 0.7).gradientBandCapacity, a.hiddenSize)
    }

    @discardableResult
    private func checkTwoSteps(_ a: Architecture, liveShare: Double, file: StaticString = #filePath, line: UInt = #line) -> Network {
        let c = TinyCase(architecture: a, rows: 12)
        let network = Network(parameters: c.parameters)
        let adam = Adam(count: c.parameters.count, learningRate: 0.01)
        var m = [Double](repeating: 0, count: c.parameters.count), v = m
        for t in 1...2 {
            let g = batchGradient(network, c.x.view, rows: c.rows, workspace: c.workspace()).storage.array
            let start = c.parameters.storage.array
            network.lossAndGradients(c.x.view, rows: c.rows, workspace: c.workspace(), into: adam.beginStep(for: network))
            var worst = 0.0, stuck = 0, live = 0
            for i in 0..<start.count {
                let gi = Double(g[i])
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let mHat = m[i] / (1 - pow(0.9, Double(t))), vHat = v[i] / (1 - pow(0.999, Double(t)))
                let expected = Double(start[i]) - 0.01 * mHat / (vHat.squareRoot() + 1e-8)
                worst = max(worst, abs(Double(c.parameters.storage[i]) - expected))
                if g[i] != 0 {
                    live += 1
                    if c.parameters.storage[i] == start[i] { stuck += 1 }
                }
            }
            XCTAssertLessThan(worst, 1e-6, "step \(t): band-wise Adam departs from the textbook step", file: file, line: line)
            XCTAssertEqual(stuck, 0, "step \(t): parameters with a gradient were never updated", file: file, line: line)
            XCTAssertGreaterThan(Double(live), liveShare * Double(start.count), "too few parameters have a gradient to prove much", file: file, line: line)
        }
        return network
    }
}
