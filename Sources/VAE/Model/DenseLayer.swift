/// A fully connected layer y = x W + b over a batch of rows, forward and backward as plain
/// functions over explicit buffers. W is (inputs x outputs), row-major. Single-threaded:
/// callers parallelise over shards of rows, or bands of weight rows for the gradients.
public enum DenseLayer {
    /// `fixedOrder`: the weight laid out for `FixedOrderProduct`, whose rows do not depend
    /// on the other rows (frozen networks); without it, OpenBLAS (training).
    public static func forward(
        _ x: FloatView, rows: Int, inputs: Int,
        weight: FloatView, bias: FloatView, outputs: Int,
        into y: FloatView, fixedOrder: PackedMatrix? = nil
    ) {
        if let fixedOrder {
            checkBounds(fixedOrder.rows == inputs && fixedOrder.columns == outputs, "a packed weight of another shape")
            FixedOrderProduct.multiply(x, rows: rows, lda: inputs, by: fixedOrder, bias: bias, into: y, ldc: outputs)
            return
        }
        let out = y.pointer(rows * outputs)
        let xs = x.reading(rows * inputs), w = weight.reading(inputs * outputs)
        Matrix.multiply(xs, lda: inputs, w, ldb: outputs, into: out, ldc: outputs, m: rows, n: outputs, k: inputs)
        Matrix.addRowVector(bias.reading(outputs), to: out, rows: rows, columns: outputs, stride: outputs)
    }

    /// Forward for binary inputs: each output row is the bias plus the weight rows of the
    /// row's ones. `packed` is the weight as `SparseRowSum.pack` lays it out, for weights
    /// that do not change; without it, when the batch has more ones than the layer has
    /// inputs, each block of weight columns is copied contiguous first. The sums are the
    /// same either way, so a row's result does not depend on its batch.
    public static func forward(
        binary x: BinaryRows,
        weight: FloatView, packed: FloatView? = nil, bias: FloatView, outputs: Int,
        into y: FloatView
    ) {
        let columns = x.columns
        let layout: SparseRowSum.Layout = if let packed { .packed(packed) }
            else if columns.count > x.width { .copied(x.slab(count: x.width * SparseRowSum.block)) }
            else { .inPlace }
        x.rowStarts.withUnsafeBufferPointer { starts in
            SparseRowSum.compute(items: 0..<x.rows, starts: starts, indices: columns,
                                 table: weight, tableRows: x.width, width: outputs, base: bias, layout: layout, into: y)
        }
    }

    /// Rows `band` of dW = x^T dy over the batch (the gradient of the weights leaving those
    /// inputs), written at `dw` as band.count x outputs.
    public static func weightGradient(
        _ x: FloatView, rows: Int, inputs: Int, band: Range<Int>,
        outputGradient dy: FloatView, outputs: Int, into dw: FloatView
    ) {
        checkBounds(band.lowerBound >= 0 && band.upperBound <= inputs, "band \(band) of \(inputs) inputs")
        Matrix.multiply((x + band.lowerBound).reading(rows > 0 ? (rows - 1) * inputs + band.count : 0), transposeA: true, lda: inputs,
                        dy.reading(rows * outputs), ldb: outputs, into: dw.pointer(band.count * outputs), ldc: outputs,
                        m: band.count, n: outputs, k: rows)
    }

    /// The same for binary inputs: dW's row p is the sum of dy's rows whose input p is one.
    /// Each block of dy's columns is copied contiguous first (25 KB for a batch of 100: it
    /// stays in L1, where in place its rows, 4 KB apart, share the same few sets).
    public static func weightGradient(
        binary x: BinaryColumns, rows: Int, band: Range<Int>,
        outputGradient dy: FloatView, outputs: Int, into dw: FloatView
    ) {
        x.columnStarts.withUnsafeBufferPointer { starts in
            x.rows.withUnsafeBufferPointer { indices in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * SparseRowSum.block) { slab in
                    SparseRowSum.compute(items: band, starts: starts, indices: indices, table: dy,
                                         tableRows: rows, width: outputs, base: nil,
                                         layout: .copied(FloatView(start: slab.baseAddress!, count: slab.count)), into: dw)
                }
            }
        }
    }

    /// db = column sums of dy.
    public static func biasGradient(outputGradient dy: FloatView, rows: Int, outputs: Int, into db: FloatView) {
        Matrix.columnSums(dy.reading(rows * outputs), rows: rows, columns: outputs, stride: outputs, into: db.pointer(outputs))
    }

    /// dx = dy W^T.
    public static func backwardInput(
        outputGradient dy: FloatView, rows: Int, outputs: Int,
        weight: FloatView, inputs: Int,
        into dx: FloatView
    ) {
        Matrix.multiply(dy.reading(rows * outputs), lda: outputs, weight.reading(inputs * outputs), transposeB: true, ldb: outputs,
                        into: dx.pointer(rows * inputs), ldc: inputs, m: rows, n: inputs, k: outputs)
    }
}
