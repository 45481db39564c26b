import Foundation
import VAE
import XCTest

/// The analytic gradients of the fast Float path against central finite differences of the
/// Double reference loss, block by block, on a tiny model.
final class GradientCheckTests: XCTestCase {
    private static let tiny = Architecture(inputSize: 37, hiddenSize: 19, latentSize: 5)

    func testForwardLossMatchesReference() {
        for activation in Activation.allCases {
            var architecture = Self.tiny
            architecture.activation = activation
            let c = TinyCase(architecture: architecture)
            let ws = c.workspace()
            let (rec, kl) = Network(parameters: c.parameters).loss(c.x.view, rows: c.rows, workspace: ws)
            let reference = ReferenceVAE(c.parameters).meanLoss(x: c.xRows, eps: c.epsRows)
            XCTAssertEqual(rec + kl, reference, accuracy: 1e-5 * abs(reference), "\(activation)")
        }
    }

    func testEveryParameterBlockAgreesWithFiniteDifferences() {
        for (dense, activation) in [(false, Activation.tanh), (true, .tanh), (false, .relu)] {
            var architecture = Self.tiny
            architecture.activation = activation
            let c = TinyCase(architecture: architecture)
            let ws = c.workspace()
            let g = batchGradient(Network(parameters: c.parameters), c.x.view, rows: c.rows, workspace: ws, dense: dense)
            var reference = ReferenceVAE(c.parameters)
            let h = 1e-5
            for block in Parameters.Block.allCases {
                var maxError = 0.0, maxGradient = 0.0
                for i in 0..<c.parameters.size(block) {
                    let original = reference.get(block, i)
                    reference.set(block, i, original + h)
                    let plus = reference.meanLoss(x: c.xRows, eps: c.epsRows)
                    reference.set(block, i, original - h)
                    let minus = reference.meanLoss(x: c.xRows, eps: c.epsRows)
                    reference.set(block, i, original)
                    let numeric = (plus - minus) / (2 * h)
                    let analytic = Double(g.view(block)[i])
                    maxError = max(maxError, abs(numeric - analytic))
                    maxGradient = max(maxGradient, abs(numeric))
                }
                XCTAssertGreaterThan(maxGradient, 1e-4, "\(block) has a vanishing gradient; the check would prove nothing")
                XCTAssertLessThan(maxError / maxGradient, 1e-3, "\(block) (dense: \(dense), \(activation)): max error \(maxError) of max gradient \(maxGradient)")
            }
        }
    }

    /// Two gradient bands of the first layer (700 x 200 weights) and a tail of 8 columns
    /// after three blocks of 64.
    func testSparseAndDenseFirstLayersAgree() {
        let c = TinyCase(architecture: Architecture(inputSize: 700, hiddenSize: 200, latentSize: 6), rows: 9)
        XCTAssertLessThan(Network(parameters: c.parameters).gradientBandCapacity, 700 * 200)
        var results: [[Float]] = []
        for dense in [false, true] {
            let ws = c.workspace()
            let g = batchGradient(Network(parameters: c.parameters), c.x.view, rows: c.rows, workspace: ws, dense: dense)
            XCTAssertEqual(ws.binaryShards[0].isValid, !dense, "the sparse path was not taken")
            results.append(g.storage.array)
        }
        for (s, d) in zip(results[0], results[1]) { XCTAssertEqual(s, d, accuracy: 1e-5) }
    }

    /// Binary rows take the sparse sum whatever their share of ones; other values the dense product.
    func testEveryBinaryRowTakesTheSparseSum() {
        let rows = BinaryRows()
        XCTAssertTrue(rows.rebuild(from: FloatBuffer([Float](repeating: 1, count: 90) + [Float](repeating: 0, count: 10)).view, rows: 1, columns: 100))
        XCTAssertEqual(rows.columns.count, 90)
        XCTAssertFalse(rows.rebuild(from: FloatBuffer([0.5, 0, 0, 0]).view, rows: 1, columns: 4))
        XCTAssertFalse(rows.isValid)
        // The test is on bit patterns: -0 is a zero; anything near 0 or 1, NaN and infinity are not binary.
        XCTAssertTrue(rows.rebuild(from: FloatBuffer([0, 1, -0.0, 1, 1, 0]).view, rows: 2, columns: 3))
        XCTAssertEqual(Array(rows.columns), [1, 0, 1])
        XCTAssertEqual(rows.rowStarts, [0, 1, 3])
        for odd: Float in [1.0000001, 0.99999994, .leastNonzeroMagnitude, -1, .nan, .infinity, 2] {
            XCTAssertFalse(rows.rebuild(from: FloatBuffer([0, 1, 0, odd, 1, 0]).view, rows: 2, columns: 3), "\(odd) taken for binary")
        }
    }

    /// Training cuts a batch into the same shards whatever the thread count, so that a
    /// model trained on 1 thread has the bits of one trained on 2 or 3 (OpenBLAS gives a
    /// row other bits in a product of another row count).
    func testATrainingBatchHasTheSameGradientBitsOnAnyThreadCount() {
        let c = TinyCase(architecture: Architecture(inputSize: 50, hiddenSize: 30, latentSize: 4), rows: 40)
        var network = Network(parameters: c.parameters)
        var gradients: [[UInt32]] = []
        for threads in [1, 2, 3] {
            network.shardLimit = threads
            XCTAssertEqual(network.shards(rows: c.rows).count, Network.trainingShards, "\(threads) threads")
            gradients.append(batchGradient(network, c.x.view, rows: c.rows, workspace: c.workspace()).storage.array.map(\.bitPattern))
        }
        XCTAssertEqual(gradients[0], gradients[1], "1 and 2 threads")
        XCTAssertEqual(gradients[0], gradients[2], "1 and 3 threads")
        XCTAssertGreaterThan(gradients[0].map { abs(Float(bitPattern: $0)) }.max()!, 1e-3)
    }
}
