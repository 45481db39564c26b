import CBLAS

/// Row-major matrix products through OpenBLAS: C = alpha * op(A) * op(B) + beta * C.
/// op(A) is M x K, op(B) is K x N; lda/ldb/ldc are row strides in elements.
public enum Matrix {
    public static func multiply(
        _ a: UnsafePointer<Float>, transposeA: Bool = false, lda: Int,
        _ b: UnsafePointer<Float>, transposeB: Bool = false, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
    ) {
        // Touching Parallel.threads pins OpenBLAS to one thread before its first product.
        _ = Parallel.threads
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y[j] = beta * y[j] + sum over rows i of x[i * stride + j], for j < columns.
    /// The bias gradients are column sums of the batch's deltas.
    public static func columnSums(
        _ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int,
        into y: UnsafeMutablePointer<Float>, accumulate: Bool = false
    ) {
        if !accumulate { y.update(repeating: 0, count: columns) }
        for i in 0..<rows {
            add(x + i * stride, into: y, count: columns)
        }
    }

    /// y += x over `count` floats.
    @inline(__always)
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        let rx = UnsafeRawPointer(x)
        let ry = UnsafeMutableRawPointer(y)
        var j = 0
        while j + 16 <= count {
            let s = ry.loadUnaligned(fromByteOffset: j * 4, as: Lanes.self) + rx.loadUnaligned(fromByteOffset: j * 4, as: Lanes.self)
            ry.storeBytes(of: s, toByteOffset: j * 4, as: Lanes.self)
            j += 16
        }
        while j < count {
            y[j] += x[j]
            j += 1
        }
    }

    /// Adds `bias` to each of `rows` rows of `x` (row stride `stride`).
    public static func addRowVector(_ bias: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        for i in 0..<rows { add(bias, into: x + i * stride, count: columns) }
    }
}
