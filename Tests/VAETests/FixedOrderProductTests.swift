import Foundation
import VAE
import XCTest

/// The frozen networks' product: a row's bits are those of the documented sequence (bias,
/// then one FMA per p in order), so they cannot depend on the other rows, their number,
/// the thread or the CPU's BLAS kernel.
final class FixedOrderProductTests: XCTestCase {
    /// Shapes of a chain step (k = 1024 -> 200 and 784, 100 -> 1024), odd ones (columns not
    /// a multiple of 16, fewer than a panel, k = 1), and the memory bank's.
    let shapes: [(k: Int, n: Int)] = [(100, 130), (1024, 200), (100, 1024), (1024, 784), (3, 17), (1, 1), (17, 5), (40, 64), (100, 4096)]

    struct Case {
        let k: Int, n: Int, rows: Int
        var a: FloatBuffer
        let b: FloatBuffer, bias: FloatBuffer
        init(k: Int, n: Int, rows: Int, seed: UInt64) {
            var rng = RandomStream(seed: seed)
            self.k = k
            self.n = n
            self.rows = rows
            a = FloatBuffer((0..<rows * k).map { _ in 2 * rng.uniform() - 1 })
            b = FloatBuffer((0..<k * n).map { _ in 2 * rng.uniform() - 1 })
            bias = FloatBuffer((0..<n).map { _ in rng.uniform() - 0.5 })
        }

        /// The documented order, one scalar FMA at a time.
        func expected(row i: Int, bias useBias: Bool) -> [UInt32] {
            (0..<n).map { j in
                var acc: Float = useBias ? bias[j] : 0
                for p in 0..<k { acc = acc.addingProduct(a[i * k + p], b[p * n + j]) }
                return acc.bitPattern
            }
        }
    }

    /// Rows `first..<first + m` of A times B, written into C with `ldc` > n and NaN around.
    func product(_ c: Case, _ packed: PackedMatrix, first: Int, m: Int, bias: Bool, ldc: Int? = nil) -> [[UInt32]] {
        let stride = ldc ?? c.n
        let out = FloatBuffer(count: m * stride, value: .nan)
        FixedOrderProduct.multiply(c.a.view + first * c.k, rows: m, lda: c.k, by: packed, bias: bias ? c.bias.view : nil, into: out.view, ldc: stride)
        for r in 0..<m {
            for j in c.n..<stride { XCTAssert(out[r * stride + j].isNaN, "column \(j) past n = \(c.n) was written") }
        }
        return (0..<m).map { r in (0..<c.n).map { out[r * stride + $0].bitPattern } }
    }

    func testEveryRowHasTheBitsOfTheDocumentedOrder() {
        for (index, (k, n)) in shapes.enumerated() {
            let c = Case(k: k, n: n, rows: 13, seed: UInt64(index))
            let packed = PackedMatrix(c.b.view, rows: k, columns: n)
            for bias in [false, true] {
                let all = product(c, packed, first: 0, m: 13, bias: bias)
                for i in 0..<13 {
                    XCTAssertEqual(all[i], c.expected(row: i, bias: bias), "k = \(k), n = \(n), row \(i) of 13, bias \(bias)")
                }
            }
        }
    }

    func testARowHasTheSameBitsWhateverRowsAndHowManySurroundIt() {
        let rows = 40
        for (index, (k, n)) in shapes.prefix(5).enumerated() {
            let c = Case(k: k, n: n, rows: rows, seed: 100 + UInt64(index))
            let packed = PackedMatrix(c.b.view, rows: k, columns: n)
            let all = product(c, packed, first: 0, m: rows, bias: true)
            // Every count and offset: rows in 6-row tiles, in the narrower tiles of a
            // remainder, and alone.
            for m in 1...13 {
                for first in [0, 1, 5, rows - m] {
                    XCTAssertEqual(product(c, packed, first: first, m: m, bias: true), Array(all[first..<(first + m)]),
                                   "k = \(k), n = \(n): rows \(first)..<\(first + m) apart from the 40")
                }
            }
            // Other neighbours: the same row 7 among other rows.
            var other = c
            var rng = RandomStream(seed: 999)
            other.a = FloatBuffer((0..<rows * k).map { _ in 4 * rng.uniform() - 2 })
            (other.a.view + 7 * k).update(from: c.a.view + 7 * k, count: k)
            XCTAssertEqual(product(other, packed, first: 0, m: rows, bias: true)[7], all[7], "k = \(k), n = \(n): row 7 among other rows")
            // Wider rows of C than n.
            XCTAssertEqual(product(c, packed, first: 0, m: 9, bias: true, ldc: n + 21), Array(all[0..<9]))
        }
    }

    func testTheProductIsRightToFloatPrecision() {
        let c = Case(k: 1024, n: 200, rows: 7, seed: 3)
        let packed = PackedMatrix(c.b.view, rows: 1024, columns: 200)
        let out = product(c, packed, first: 0, m: 7, bias: true)
        for i in [0, 6] {
            for j in [0, 15, 16, 199] {
                var s = Double(c.bias[j])
                for p in 0..<1024 { s += Double(c.a[i * 1024 + p]) * Double(c.b[p * 200 + j]) }
                XCTAssertEqual(Double(Float(bitPattern: out[i][j])), s, accuracy: 2e-5)
            }
        }
    }

    func testATransposedSourcePacksAsItsTranspose() {
        let c = Case(k: 20, n: 37, rows: 3, seed: 8)
        let transpose = FloatBuffer((0..<(20 * 37)).map { i in c.b[(i % 20) * 37 + i / 20] })
        let direct = product(c, PackedMatrix(c.b.view, rows: 20, columns: 37), first: 0, m: 3, bias: false)
        let fromTranspose = product(c, PackedMatrix(transpose.view, rows: 20, columns: 37, transposed: true), first: 0, m: 3, bias: false)
        XCTAssertEqual(direct, fromTranspose)
    }
}
