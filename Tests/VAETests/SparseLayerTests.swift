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
}
