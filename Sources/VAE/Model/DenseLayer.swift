/// A fully connected layer y = x W + b over a batch of rows, forward and backward as plain
/// functions over explicit buffers. W is (inputs x outputs), row-major. Single-threaded:
/// callers parallelise over shards of rows, or bands of weight rows for the gradients.
public enum DenseLayer {
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, inputs: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputs: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        Matrix.multiply(x, lda: inputs, weight, ldb: outputs, into: y, ldc: outputs, m: rows, n: outputs, k: inputs)
        Matrix.addRowVector(bias, to: y, rows: rows, columns: outputs, stride: outputs)
    }

    /// Forward for binary inputs: each output row is the bias plus the weight rows of the
    /// row's ones. `packed` is the weight as `SparseRowSum.pack` lays it out, for weights
    /// that do not change; without it, when the batch has more ones than the layer has
    /// inputs, each block of weight columns is copied contiguous first. The sums are the
    /// same either way, so a row's result does not depend on its batch.
    public static func forward(
        binary x: BinaryRows,
        weight: UnsafePointer<Float>, packed: UnsafePointer<Float>? = nil, bias: UnsafePointer<Float>, outputs: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        let columns = x.columns
        let layout: SparseRowSum.Layout = if let packed { .packed(packed) }
            else if columns.count > x.width { .copied(x.slab(count: x.width * SparseRowSum.block)) }
            else { .inPlace }
        x.rowStarts.withUnsafeBufferPointer { starts in
            SparseRowSum.compute(items: 0..<x.rows, starts: starts.baseAddress!, indices: columns.baseAddress!,
                                 table: weight, tableRows: x.width, width: outputs, base: bias, layout: layout, into: y)
        }
    }

    /// Rows `band` of dW = x^T dy over the batch (the gradient of the weights leaving those
    /// inputs), written at `dw` as band.count x outputs.
    public static func weightGradient(
        _ x: UnsafePointer<Float>, rows: Int, inputs: Int, band: Range<Int>,
        outputGradient dy: UnsafePointer<Float>, outputs: Int, into dw: UnsafeMutablePointer<Float>
    ) {
        Matrix.multiply(x + band.lowerBound, transposeA: true, lda: inputs, dy, ldb: outputs, into: dw, ldc: outputs,
                        m: band.count, n: outputs, k: rows)
    }

    /// The same for binary inputs: dW's row p is the sum of dy's rows whose input p is one.
    /// Each block of dy's columns is copied contiguous first (25 KB for a batch of 100: it
    /// stays in L1, where in place its rows, 4 KB apart, share the same few sets).
    public static func weightGradient(
        binary x: BinaryColumns, rows: Int, band: Range<Int>,
        outputGradient dy: UnsafePointer<Float>, outputs: Int, into dw: UnsafeMutablePointer<Float>
    ) {
        x.columnStarts.withUnsafeBufferPointer { starts in
            x.rows.withUnsafeBufferPointer { indices in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * SparseRowSum.block) { slab in
                    SparseRowSum.compute(items: band, starts: starts.baseAddress!, indices: indices.baseAddress!, table: dy,
                                         tableRows: rows, width: outputs, base: nil, layout: .copied(slab.baseAddress!), into: dw)
                }
            }
        }
    }

    /// db = column sums of dy.
    public static func biasGradient(outputGradient dy: UnsafePointer<Float>, rows: Int, outputs: Int, into db: UnsafeMutablePointer<Float>) {
        Matrix.columnSums(dy, rows: rows, columns: outputs, stride: outputs, into: db)
    }

    /// dx = dy W^T.
    public static func backwardInput(
        outputGradient dy: UnsafePointer<Float>, rows: Int, outputs: Int,
        weight: UnsafePointer<Float>, inputs: Int,
        into dx: UnsafeMutablePointer<Float>
    ) {
        Matrix.multiply(dy, lda: outputs, weight, transposeB: true, ldb: outputs, into: dx, ldc: inputs, m: rows, n: inputs, k: outputs)
    }
}
