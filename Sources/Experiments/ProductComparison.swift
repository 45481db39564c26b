import Foundation
import VAE

/// The fixed-order product against OpenBLAS's sgemm (plus the bias, as the layers add it)
/// on the three dense products of a chain step, `rows` rows on one thread as each of two
/// threads runs them for 500 chains. The two alternate for `rounds` rounds and each keeps
/// its fastest, so a noisy machine slows both alike: the ratio is the figure.
public struct ProductComparison {
    public let fixedOrder: Double, openBLAS: Double

    /// Fixed-order speed as a multiple of OpenBLAS's.
    public var ratio: Double { openBLAS / fixedOrder }

    public static func measure(_ a: Architecture, rows: Int = 250, rounds: Int) -> ProductComparison {
        let shapes = [(a.hiddenSize, 2 * a.latentSize), (a.latentSize, a.hiddenSize), (a.hiddenSize, a.inputSize)]
        var rng = RandomStream(seed: 11)
        func random(_ n: Int) -> FloatBuffer { FloatBuffer((0..<n).map { _ in 2 * rng.uniform() - 1 }) }
        let layers = shapes.map { k, n in (k: k, n: n, x: random(rows * k), w: random(k * n), bias: random(n), y: FloatBuffer(count: rows * n)) }
        let packed = layers.map { PackedMatrix($0.w.view, rows: $0.k, columns: $0.n) }
        func fixed() {
            for (l, p) in zip(layers, packed) {
                DenseLayer.forward(l.x.view, rows: rows, inputs: l.k, weight: l.w.view, bias: l.bias.view, outputs: l.n, into: l.y.view, fixedOrder: p)
            }
        }
        func blas() {
            for l in layers { DenseLayer.forward(l.x.view, rows: rows, inputs: l.k, weight: l.w.view, bias: l.bias.view, outputs: l.n, into: l.y.view) }
        }
        func seconds(_ body: () -> Void) -> Double {
            let start = Date()
            for _ in 0..<10 { body() }
            return Date().timeIntervalSince(start) / 10
        }
        var best = (fixed: Double.infinity, blas: Double.infinity)
        fixed()
        blas()
        for _ in 0..<rounds {
            best.fixed = min(best.fixed, seconds(fixed))
            best.blas = min(best.blas, seconds(blas))
        }
        return ProductComparison(fixedOrder: best.fixed, openBLAS: best.blas)
    }
}
