import CKernels

/// Matrix products in which a row's result depends only on that row: the product of every
/// frozen network (chains, encode, evaluation) and of the memory bank.
///
/// Why not OpenBLAS: its sgemm picks a kernel at run time (Haswell, Zen, SkylakeX,
/// Cooperlake, ...) and inside it sums a row in an order that depends on how many rows
/// the product has and where the row falls among them; the SkylakeX paths depend on more
/// than a block size (issue 24). A chain's bits would then depend on how many chains share
/// its batch, its shard and the CPU. Probing that order at start is knowing it on the
/// CPUs it was probed on, not building it.
///
/// What this builds instead (CKernels/fixed_order_product.c): element (i, j) starts at
/// bias[j] and takes a[i][p] * b[p][j] for p = 0, 1, ..., k-1 in turn, each by one FMA.
/// No tile, thread, batch size or CPU changes that sequence, and FMA is correctly rounded,
/// so the bits are the same on every machine that runs the code (all of ours have AVX2
/// and FMA). The weights are laid out once per model (`PackedMatrix`); speed on a chain
/// step's shapes was within a few per cent of OpenBLAS (docs/reliability.md).
public enum FixedOrderProduct {
    /// Rows 0..<rows of C = A B + bias, for A's rows `lda` floats apart (each b.rows long)
    /// and C's rows `ldc` apart (each b.columns long).
    public static func multiply(
        _ a: FloatView, rows: Int, lda: Int, by b: PackedMatrix, bias: FloatView? = nil,
        into c: FloatView, ldc: Int
    ) {
        guard rows > 0 else { return }
        let k = b.rows, n = b.columns
        let pa = a.reading(rows: rows, stride: lda, width: k)
        let pc = c.pointer((rows - 1) * ldc + n)
        checkBounds(n <= ldc, "rows of \(n) floats \(ldc) apart overlap")
        let pb = bias.map { $0.reading(n) }
        vaedyn_fop_multiply(pa, lda, b.panels.view.reading(b.panels.count), Int32(k), Int32(n), pb, pc, ldc, Int32(rows))
    }
}

/// A k x n matrix laid out for `FixedOrderProduct`: panels of 16 columns, each k rows of 16
/// contiguous floats (the last panel padded with zero columns).
public final class PackedMatrix: Sendable {
    /// k, the length of a row of A.
    public let rows: Int
    /// n, the length of a row of C.
    public let columns: Int
    let panels: FloatBuffer

    /// `b` holds B row after row (`rows` x `columns`, row-major), or with `transposed`, B's
    /// transpose (`columns` x `rows`, row-major): the memory bank's means are stored one
    /// memory per row, and its product needs them as columns.
    public init(_ b: FloatView, rows: Int, columns: Int, transposed: Bool = false) {
        precondition(rows >= 0 && columns >= 0 && rows <= Int(Int32.max) && columns <= Int(Int32.max))
        self.rows = rows
        self.columns = columns
        panels = FloatBuffer(count: vaedyn_fop_packed_count(Int32(rows), Int32(columns)))
        let source = b.reading(rows * columns)
        let (rowStride, columnStride) = transposed ? (1, rows) : (columns, 1)
        vaedyn_fop_pack(source, rowStride, columnStride, Int32(rows), Int32(columns), panels.view.pointer(panels.count))
    }

}
