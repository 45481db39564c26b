/// A fully connected layer y = x W + b over a batch of rows, forward and backward as plain
/// functions over explicit buffers. W is (inputs x outputs), row-major. Single-threaded:
/// callers parallelise over shards of rows.
public enum DenseLayer {
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, inputs: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputs: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        Matrix.multiply(x, lda: inputs, weight, ldb: outputs, into: y, ldc: outputs, m: rows, n: outputs, k: inputs)
        Matrix.addRowVector(bias, to: y, rows: rows, columns: outputs, stride: outputs)
    }

    /// Columns handled together by the binary kernels: 4 vectors of accumulators stay in
    /// registers while the matching 256-byte slices of the weight rows come from L2 (a
    /// 784 x 64 slab is 200 KB, when contiguous). Whole-row updates instead re-read the
    /// output row for every active pixel and stream the full 3.2 MB weight matrix from L3
    /// for every row.
    static let block = 64

    /// Forward for binary inputs: each output row is the bias plus the weight rows of the
    /// row's ones.
    ///
    /// When the batch has more ones than the layer has inputs, each block of weight columns
    /// is first copied into a contiguous slab: in place, the 256-byte slices of one block
    /// sit 4 KB apart (a row of 1024 floats), all in the same few cache sets, so the 200 KB
    /// block did not stay in L2 and most loads waited on L3. The sums are the same either
    /// way, term for term, so a row's result does not depend on its batch.
    public static func forward(
        binary x: BinaryRows,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputs: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        x.rowStarts.withUnsafeBufferPointer { starts in
            x.columns.withUnsafeBufferPointer { columns in
                let slab = columns.count > x.width ? x.slab(count: x.width * block) : nil
                let b = UnsafeRawPointer(bias), out = UnsafeMutableRawPointer(y)
                var c0 = 0
                while c0 + block <= outputs {
                    // Where the block's slice of weight row p starts, and the stride between rows.
                    let w: UnsafeRawPointer, stride: Int, o: Int
                    if let slab {
                        for p in 0..<x.width { (slab + p * block).update(from: weight + p * outputs + c0, count: block) }
                        (w, stride, o) = (UnsafeRawPointer(slab), block * 4, 0)
                    } else {
                        (w, stride, o) = (UnsafeRawPointer(weight), outputs * 4, c0 * 4)
                    }
                    let ob = c0 * 4
                    for r in 0..<x.rows {
                        var a0 = b.loadUnaligned(fromByteOffset: ob, as: Lanes.self)
                        var a1 = b.loadUnaligned(fromByteOffset: ob + 64, as: Lanes.self)
                        var a2 = b.loadUnaligned(fromByteOffset: ob + 128, as: Lanes.self)
                        var a3 = b.loadUnaligned(fromByteOffset: ob + 192, as: Lanes.self)
                        for k in Int(starts[r])..<Int(starts[r + 1]) {
                            let row = Int(columns[k]) * stride + o
                            a0 += w.loadUnaligned(fromByteOffset: row, as: Lanes.self)
                            a1 += w.loadUnaligned(fromByteOffset: row + 64, as: Lanes.self)
                            a2 += w.loadUnaligned(fromByteOffset: row + 128, as: Lanes.self)
                            a3 += w.loadUnaligned(fromByteOffset: row + 192, as: Lanes.self)
                        }
                        let dst = (r * outputs + c0) * 4
                        out.storeBytes(of: a0, toByteOffset: dst, as: Lanes.self)
                        out.storeBytes(of: a1, toByteOffset: dst + 64, as: Lanes.self)
                        out.storeBytes(of: a2, toByteOffset: dst + 128, as: Lanes.self)
                        out.storeBytes(of: a3, toByteOffset: dst + 192, as: Lanes.self)
                    }
                    c0 += block
                }
                guard c0 < outputs else { return }
                for r in 0..<x.rows {
                    let row = y + r * outputs + c0
                    row.update(from: bias + c0, count: outputs - c0)
                    for k in Int(starts[r])..<Int(starts[r + 1]) {
                        Matrix.add(weight + Int(columns[k]) * outputs + c0, into: row, count: outputs - c0)
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
    /// Blocked by columns like the forward pass, so the gradient slab stays in L2.
    public static func backwardParameters(
        binary x: BinaryRows, inputs: Int,
        outputGradient dy: UnsafePointer<Float>, outputs: Int,
        weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>
    ) {
        dw.update(repeating: 0, count: inputs * outputs)
        x.rowStarts.withUnsafeBufferPointer { starts in
            x.columns.withUnsafeBufferPointer { columns in
                let g = UnsafeMutableRawPointer(dw), d = UnsafeRawPointer(dy)
                var c0 = 0
                while c0 + block <= outputs {
                    for r in 0..<x.rows {
                        let src = (r * outputs + c0) * 4
                        let v0 = d.loadUnaligned(fromByteOffset: src, as: Lanes.self)
                        let v1 = d.loadUnaligned(fromByteOffset: src + 64, as: Lanes.self)
                        let v2 = d.loadUnaligned(fromByteOffset: src + 128, as: Lanes.self)
                        let v3 = d.loadUnaligned(fromByteOffset: src + 192, as: Lanes.self)
                        for k in Int(starts[r])..<Int(starts[r + 1]) {
                            let row = (Int(columns[k]) * outputs + c0) * 4
                            g.storeBytes(of: g.loadUnaligned(fromByteOffset: row, as: Lanes.self) + v0, toByteOffset: row, as: Lanes.self)
                            g.storeBytes(of: g.loadUnaligned(fromByteOffset: row + 64, as: Lanes.self) + v1, toByteOffset: row + 64, as: Lanes.self)
                            g.storeBytes(of: g.loadUnaligned(fromByteOffset: row + 128, as: Lanes.self) + v2, toByteOffset: row + 128, as: Lanes.self)
                            g.storeBytes(of: g.loadUnaligned(fromByteOffset: row + 192, as: Lanes.self) + v3, toByteOffset: row + 192, as: Lanes.self)
                        }
                    }
                    c0 += block
                }
                guard c0 < outputs else { return }
                for r in 0..<x.rows {
                    for k in Int(starts[r])..<Int(starts[r + 1]) {
                        Matrix.add(dy + r * outputs + c0, into: dw + Int(columns[k]) * outputs + c0, count: outputs - c0)
                    }
                }
            }
        }
        Matrix.columnSums(dy, rows: x.rows, columns: outputs, stride: outputs, into: db)
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
