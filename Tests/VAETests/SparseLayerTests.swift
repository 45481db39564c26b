import VAE
import XCTest

/// The sparse first layer: copying blocks of weight columns (large batches) or reading them
/// in place (small ones) must give the same bits, so that a chain's result never depends on
/// how many chains share its batch, and both must be the dense product.
final class SparseLayerTests: XCTestCase {
    func testPackedAndInPlaceBlocksGiveTheSameBitsAsTheDenseProduct() {
        let inputs = 100, outputs = 130  // two blocks of 64 columns and a tail of 2
        var rng = SystemRandomNumberGenerator()
        let weight = (0..<inputs * outputs).map { _ in Float.random(in: -1...1, using: &rng) }
        let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &rng) }
        let rows = 20
        let x = (0..<rows * inputs).map { _ in Float(Int.random(in: 0..<10, using: &rng) < 3 ? 1 : 0) }

        func sparse(_ first: Int, _ count: Int) -> (packs: Bool, y: [Float]) {
            let binary = BinaryRows()
            XCTAssertTrue(binary.rebuild(from: Array(x[first * inputs..<(first + count) * inputs]), rows: count, columns: inputs))
            var y = [Float](repeating: .nan, count: count * outputs)
            DenseLayer.forward(binary: binary, weight: weight, bias: bias, outputs: outputs, into: &y)
            return (binary.columns.count > inputs, y)
        }
        let batch = sparse(0, rows)
        XCTAssertTrue(batch.packs, "the batch did not take the packed path; the test would prove nothing")
        var dense = [Float](repeating: .nan, count: rows * outputs)
        DenseLayer.forward(x, rows: rows, inputs: inputs, weight: weight, bias: bias, outputs: outputs, into: &dense)
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
            Network(parameters: c.parameters, frozen: frozen).encode(c.x.pointer, rows: rows, workspace: ws)
            XCTAssertTrue(ws.binaryShards[0].isValid, "the sparse path was not taken")
            return Array(UnsafeBufferPointer(start: ws.encoderHidden.pointer, count: rows * 130))
        }
        for rows in [1, c.rows] {
            let packed = hidden(frozen: true, rows: rows)
            XCTAssertEqual(packed, hidden(frozen: false, rows: rows), "\(rows) rows")
            XCTAssertFalse(packed.contains(.nan))
        }
    }
}
