import Dispatch

/// A fully connected layer y = x W + b over a batch of rows, forward and backward as plain
/// functions over explicit buffers. W is (inputs x outputs), row-major.
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
    /// row's ones. Rows are split across threads; each thread writes its own rows.
    public static func forward(
        binary x: BinaryRows,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputs: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        let rows = x.rows
        x.rowStarts.withUnsafeBufferPointer { starts in
            x.columns.withUnsafeBufferPointer { cols in
                let s = UnsafeSendable(starts.baseAddress!), c = UnsafeSendable(cols.baseAddress!)
                let out = UnsafeSendable(y), w = UnsafeSendable(weight), b = UnsafeSendable(bias)
                Parallel.forEachChunk(rows) { range in
                    for r in range {
                        let row = out.value + r * outputs
                        row.update(from: b.value, count: outputs)
                        for k in Int(s.value[r])..<Int(s.value[r + 1]) {
                            Matrix.add(w.value + Int(c.value[k]) * outputs, into: row, count: outputs)
                        }
                    }
                }
            }
        }
    }

    /// dW = x^T dy and db = column sums of dy (both overwritten).
    public static func backwardParameters(
        _ x: UnsafePointer<Float>, rows: Int, inputs: Int,
        outputGradient dy: UnsafePointer<Float>, outputs: Int,
        weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>
    ) {
        Matrix.multiply(x, transposeA: true, lda: inputs, dy, ldb: outputs, into: dw, ldc: outputs, m: inputs, n: outputs, k: rows)
        Matrix.columnSums(dy, rows: rows, columns: outputs, stride: outputs, into: db)
    }

    /// The same for binary inputs: dW's row p is the sum of dy's rows whose input p is one.
    /// Output columns are split across threads so that no two threads touch one float.
    public static func backwardParameters(
        binary x: BinaryRows, inputs: Int,
        outputGradient dy: UnsafePointer<Float>, outputs: Int,
        weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>
    ) {
        dw.update(repeating: 0, count: inputs * outputs)
        let rows = x.rows
        x.rowStarts.withUnsafeBufferPointer { starts in
            x.columns.withUnsafeBufferPointer { cols in
                let s = UnsafeSendable(starts.baseAddress!), c = UnsafeSendable(cols.baseAddress!)
                let g = UnsafeSendable(dw), d = UnsafeSendable(dy)
                Parallel.forEachChunk(outputs, alignment: 16) { columnRange in
                    let width = columnRange.count
                    for r in 0..<rows {
                        let source = d.value + r * outputs + columnRange.lowerBound
                        for k in Int(s.value[r])..<Int(s.value[r + 1]) {
                            Matrix.add(source, into: g.value + Int(c.value[k]) * outputs + columnRange.lowerBound, count: width)
                        }
                    }
                }
            }
        }
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
