/// Sums of selected rows of a table, in blocks of columns: out row i = base + the sum of
/// the table rows listed for i. Both sparse products of the first layer are this: the
/// forward pass sums the weight rows of an image's ones, the weight gradient sums the
/// output-gradient rows of the images that have a pixel on.
enum SparseRowSum {
    /// Columns handled together: 4 vectors of accumulators stay in registers while the
    /// matching 256-byte slices of the table rows come from L2. Whole-row updates instead
    /// re-read the output row for every listed row.
    static let block = 64

    /// Where the blocks of table columns are read from.
    enum Layout {
        /// In place: the 256-byte slices of one block sit a whole row apart (4 KB for 1024
        /// floats), all in the same few cache sets, so a large table does not stay in L2.
        case inPlace
        /// Each block copied contiguous into this slab (tableRows x block floats) first.
        case copied(FloatView)
        /// The table already laid out block after block by `pack` (weights that do not change).
        case packed(FloatView)
    }

    /// For each i in `items`, out[(i - items.lowerBound) * width ...] = base + sum over k in
    /// starts[i]..<starts[i+1] of table[indices[k]]. `base` nil means zero. The sums are the
    /// same, term for term, whatever the layout.
    static func compute(
        items: Range<Int>, starts: UnsafeBufferPointer<Int32>, indices: UnsafeBufferPointer<Int32>,
        table tableView: FloatView, tableRows: Int, width: Int, base baseView: FloatView?,
        layout: Layout, into yView: FloatView
    ) {
        checkBounds(items.lowerBound >= 0 && items.upperBound < starts.count, "items \(items) of \(starts.count - 1) row starts")
        checkBounds(items.isEmpty || Int(starts[items.upperBound]) <= indices.count, "row starts past the \(indices.count) indices")
        #if DEBUG || VAEDYN_BOUNDS_CHECKS
        for i in items {
            for k in Int(starts[i])..<Int(starts[i + 1]) {
                checkBounds(indices[k] >= 0 && Int(indices[k]) < tableRows, "index \(indices[k]) of a table of \(tableRows) rows")
            }
        }
        #endif
        let y = yView.pointer(items.count * width)
        let table = tableView.reading(tableRows * width)
        let base = baseView.map { $0.reading(width) }
        let out = UnsafeMutableRawPointer(y)
        let zero = Lanes(repeating: 0)
        var c0 = 0
        while c0 + block <= width {
            // Where the block's slice of table row p starts, and the stride between rows.
            let w: UnsafeRawPointer, stride: Int, o: Int
            switch layout {
            case .inPlace:
                (w, stride, o) = (UnsafeRawPointer(table), width * 4, c0 * 4)
            case .copied(let slabView):
                let slab = slabView.pointer(tableRows * block)
                for p in 0..<tableRows { (slab + p * block).update(from: table + p * width + c0, count: block) }
                (w, stride, o) = (UnsafeRawPointer(slab), block * 4, 0)
            case .packed(let packed):
                (w, stride, o) = (UnsafeRawPointer((packed + c0 * tableRows).reading(tableRows * block)), block * 4, 0)
            }
            let ob = c0 * 4
            let b = base.map { UnsafeRawPointer($0) }
            for i in items {
                var a0 = b?.loadUnaligned(fromByteOffset: ob, as: Lanes.self) ?? zero
                var a1 = b?.loadUnaligned(fromByteOffset: ob + 64, as: Lanes.self) ?? zero
                var a2 = b?.loadUnaligned(fromByteOffset: ob + 128, as: Lanes.self) ?? zero
                var a3 = b?.loadUnaligned(fromByteOffset: ob + 192, as: Lanes.self) ?? zero
                for k in Int(starts[i])..<Int(starts[i + 1]) {
                    let row = Int(indices[k]) * stride + o
                    a0 += w.loadUnaligned(fromByteOffset: row, as: Lanes.self)
                    a1 += w.loadUnaligned(fromByteOffset: row + 64, as: Lanes.self)
                    a2 += w.loadUnaligned(fromByteOffset: row + 128, as: Lanes.self)
                    a3 += w.loadUnaligned(fromByteOffset: row + 192, as: Lanes.self)
                }
                let dst = ((i - items.lowerBound) * width + c0) * 4
                out.storeBytes(of: a0, toByteOffset: dst, as: Lanes.self)
                out.storeBytes(of: a1, toByteOffset: dst + 64, as: Lanes.self)
                out.storeBytes(of: a2, toByteOffset: dst + 128, as: Lanes.self)
                out.storeBytes(of: a3, toByteOffset: dst + 192, as: Lanes.self)
            }
            c0 += block
        }
        guard c0 < width else { return }
        for i in items {
            let row = y + (i - items.lowerBound) * width + c0
            if let base { row.update(from: base + c0, count: width - c0) } else { row.update(repeating: 0, count: width - c0) }
            for k in Int(starts[i])..<Int(starts[i + 1]) {
                Matrix.add(table + Int(indices[k]) * width + c0, into: row, count: width - c0)
            }
        }
    }

    /// The full blocks of `table` (rows x width) laid out one after the other, each as rows
    /// of `block` floats: the layout `.packed` reads. Columns past the last full block are
    /// read from the table itself.
    static func pack(_ table: FloatView, rows: Int, width: Int) -> FloatBuffer {
        let blocks = width / block
        let packed = FloatBuffer(count: blocks * rows * block)
        for b in 0..<blocks {
            for p in 0..<rows {
                (packed.view + (b * rows + p) * block).update(from: table + p * width + b * block, count: block)
            }
        }
        return packed
    }
}
