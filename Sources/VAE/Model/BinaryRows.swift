/// The ones of a batch of binary images, row by row (compressed sparse rows).
///
/// Chain and training inputs are binary and about 13-20 % ones, so the first layer's
/// product becomes a sum of the weight rows of the active pixels: several times fewer
/// operations than a dense product. A class, so that each shard of a batch fills its own.
public final class BinaryRows: @unchecked Sendable {
    public private(set) var rowStarts: [Int32] = [0]
    public private(set) var columns: [Int32] = []
    /// False when the last rebuild met a value other than 0 or 1.
    public private(set) var isValid = false
    /// Values per row (the layer's inputs) at the last rebuild.
    private(set) var width = 0
    /// Scratch for `SparseRowSum`: one block of weight columns, copied contiguous.
    private var slabStorage: UnsafeMutablePointer<Float>?
    private var slabCapacity = 0

    public init() {}

    deinit { slabStorage?.deallocate() }

    /// The slab, at least `count` floats.
    func slab(count: Int) -> UnsafeMutablePointer<Float> {
        if let slabStorage, slabCapacity >= count { return slabStorage }
        slabStorage?.deallocate()
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: count)
        slabStorage = fresh
        slabCapacity = count
        return fresh
    }

    public var rows: Int { rowStarts.count - 1 }

    /// Marks the rows as not describing the current input (it went the dense way).
    public func invalidate() { isValid = false }

    /// Rebuilds from `rows` dense rows; returns false if any value is neither 0 nor 1.
    ///
    /// Every binary row takes the sparse sum, however many ones it has: a row's result must
    /// not depend on which other rows share its batch (a chain's trajectory would otherwise
    /// change with the number of trials run beside it). Trained models produce 10-20 % ones.
    @discardableResult
    public func rebuild(from x: UnsafePointer<Float>, rows: Int, columns width: Int) -> Bool {
        rowStarts.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true)
        rowStarts.append(0)
        isValid = false
        self.width = width
        for r in 0..<rows {
            let row = x + r * width
            for c in 0..<width {
                let v = row[c]
                if v == 1 { columns.append(Int32(c)) } else if v != 0 { return false }
            }
            rowStarts.append(Int32(columns.count))
        }
        isValid = true
        return true
    }
}
