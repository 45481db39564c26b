import VAE
import XCTest

/// The sparse first layer: copying blocks of weight columns (large batches) or reading them
/// in place (small ones) must give the same bits, so that a chain's result never depends on
/// how many chains share its batch, and both must be the dense product.
final class SparseLayerTests: XCTestCase {
    func testPackedAndInPlaceBlocksGiveTheSameBitsAsTheDenseProduct() {
        let inputs = 100, outputs = 130  // two blocks of 64 columns and a tail of 2
        // Seeded, so that a failure replays.
        var rng = RandomStream(seed: 11)
        let weight = FloatBuffer((0..<inputs * outputs).map { _ in 2 * rng.uniform() - 1 })
        let bias = FloatBuffer((0..<outputs).map { _ in 2 * rng.uniform() - 1 })
        let rows = 20
        let x = (0..<rows * inputs).map { _ in Float(rng.uniform() < 0.3 ? 1 : 0) }

        func sparse(_ first: Int, _ count: Int) -> (packs: Bool, y: [Float]) {
            let binary = BinaryRows()
            let rows = FloatBuffer(Array(x[first * inputs..<(first + count) * inputs]))
            XCTAssertTrue(binary.rebuild(from: rows.view, rows: count, columns: inputs))
            let y = FloatBuffer(count: count * outputs, value: .nan)
            DenseLayer.forward(binary: binary, weight: weight.view, bias: bias.view, outputs: outputs, into: y.view)
            return (binary.columns.count > inputs, y.array)
        }
        let batch = sparse(0, rows)
        XCTAssertTrue(batch.packs, "the batch did not take the packed path; the test would prove nothing")
        let denseOut = FloatBuffer(count: rows * outputs, value: .nan)
        DenseLayer.forward(FloatBuffer(x).view, rows: rows, inputs: inputs, weight: weight.view, bias: bias.view, outputs: outputs,
                           into: denseOut.view)
        let dense = denseOut.array
        XCTAssertTrue(batch.y.allSatisfy(\.isFinite), "an output was never written")
        for r in 0..<rows {
            let alone = sparse(r, 1)
            XCTAssertFalse(alone.packs)
            XCTAssertEqual(alone.y, Array(batch.y[r * outputs..<(r + 1) * outputs]), "row \(r) differs alone and in its batch")
            for c in 0..<outputs {
                XCTAssertEqual(alone.y[c], dense[r * outputs + c], accuracy: 1e-4)
            }
        }
    }

    /// A loaded model lays its first layer out once (`Network(frozen:)`); the hidden units
    /// must be the same bits as when the blocks are copied per batch or read in place.
    func testFrozenNetworkGivesTheSameBits() {
        let c = TinyCase(architecture: Architecture(inputSize: 100, hiddenSize: 130, latentSize: 5), rows: 20)
        func hidden(frozen: Bool, rows: Int) -> [Float] {
            let ws = c.workspace()
            Network(parameters: c.parameters, frozen: frozen).encode(c.x.view, rows: rows, workspace: ws)
            XCTAssertTrue(ws.binaryShards[0].isValid, "the sparse path was not taken")
            return ws.encoderHidden.view.prefix(rows * 130).array
        }
        for rows in [1, c.rows] {
            let packed = hidden(frozen: true, rows: rows)
            XCTAssertEqual(packed, hidden(frozen: false, rows: rows), "\(rows) rows")
            // NaN != NaN, so `contains(.nan)` could never fail; isFinite can.
            XCTAssertTrue(packed.allSatisfy(\.isFinite), "\(rows) rows: a hidden unit is not finite")
        }
    }
}
