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

    /// Rows per block of this machine's OpenBLAS sgemm: a row of C comes out with the same
    /// bits whatever M is, as long as it lies in a full block. Rows of a last, partial
    /// block go through narrower kernels that sum in another order (measured: blocks of 12
    /// on the Zen kernels of an AVX2 machine; rows of products of 4 or fewer differed on
    /// SkylakeX). Found once by trying products that differ only in M.
    public static let rowBlock: Int = {
        _ = Parallel.threads
        let k = 64, n = 64, rows = 8 * 64
        var rng = RandomStream(seed: 0xB10C)
        let a = FloatBuffer((0..<rows * k).map { _ in 2 * rng.uniform() - 1 })
        let b = FloatBuffer((0..<k * n).map { _ in 2 * rng.uniform() - 1 })
        let reference = FloatBuffer(count: rows * n), c = FloatBuffer(count: rows * n)
        func product(_ m: Int, rowOffset: Int, into out: FloatBuffer) {
            multiply((a.view + rowOffset * k).reading(m * k), lda: k, b.view.reading(k * n), ldb: n, into: out.view.pointer(m * n), ldc: n,
                     m: m, n: n, k: k)
        }
        product(rows, rowOffset: 0, into: reference)
        candidates: for block in [1, 2, 4, 8, 12, 16, 24, 32, 48, 64] {
            for blocks in 1...7 {
                for offset in [0, block] where (offset / block + blocks) * block <= rows {
                    let m = blocks * block
                    product(m, rowOffset: offset, into: c)
                    let same = (0..<(m * n)).allSatisfy { c[$0].bitPattern == reference[offset * n + $0].bitPattern }
                    if !same { continue candidates }
                }
            }
            return block
        }
        return 64
    }()

    /// C = A B for row-major A (m x k) and B (k x n), with every row of C computed as part
    /// of a full `rowBlock`, so that its bits do not depend on m: a last partial block is
    /// padded with zero rows in scratch. A chain's trajectory must not depend on how many
    /// other chains share its batch.
    public static func multiplyRowInvariant(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int
    ) {
        let block = rowBlock
        let whole = m / block * block, rest = m - whole
        if whole > 0 { multiply(a, lda: lda, b, ldb: ldb, into: c, ldc: ldc, m: whole, n: n, k: k) }
        guard rest > 0 else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block * (k + n)) { scratch in
            let pa = scratch.baseAddress!, pc = pa + block * k
            pa.update(repeating: 0, count: block * k)
            for r in 0..<rest { (pa + r * k).update(from: a + (whole + r) * lda, count: k) }
            multiply(pa, lda: k, b, ldb: ldb, into: pc, ldc: n, m: block, n: n, k: k)
            for r in 0..<rest { (c + (whole + r) * ldc).update(from: pc + r * n, count: n) }
        }
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
