/// The ones of a batch of binary images, row by row (compressed sparse rows).
///
/// Chain and training inputs are binary and about 13-20 % ones, so the first layer's
/// product becomes a sum of the weight rows of the active pixels: several times fewer
/// operations than a dense product. A class, so that each shard of a batch fills its own.
public final class BinaryRows: @unchecked Sendable {
    public private(set) var rowStarts: [Int32] = [0]
    /// False when the last rebuild met a value other than 0 or 1.
    public private(set) var isValid = false
    /// Values per row (the layer's inputs) at the last rebuild.
    private(set) var width = 0
    /// Room for every value of a batch: the rebuild writes each column index and advances
    /// only past the ones, so that the unpredictable 0-or-1 test is not a branch.
    private var columnStorage: UnsafeMutablePointer<Int32>?
    private var columnCapacity = 0
    private var columnCount = 0
    /// Scratch for `SparseRowSum`: one block of weight columns, copied contiguous.
    private var slabStorage: UnsafeMutablePointer<Float>?
    private var slabCapacity = 0

    public init() {}

    deinit {
        columnStorage?.deallocate()
        slabStorage?.deallocate()
    }

    /// The column of every one, row after row; row r's are rowStarts[r]..<rowStarts[r + 1].
    public var columns: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: columnStorage, count: columnCount) }

    /// The slab, at least `count` floats.
    func slab(count: Int) -> FloatView {
        if let slabStorage, slabCapacity >= count { return FloatView(start: slabStorage, count: slabCapacity) }
        slabStorage?.deallocate()
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: count)
        slabStorage = fresh
        slabCapacity = count
        return FloatView(start: fresh, count: count)
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
    public func rebuild(from xView: FloatView, rows: Int, columns width: Int) -> Bool {
        let x = xView.reading(rows * width)
        rowStarts.removeAll(keepingCapacity: true)
        rowStarts.append(0)
        isValid = false
        columnCount = 0
        self.width = width
        if columnStorage == nil || columnCapacity < rows * width {
            columnStorage?.deallocate()
            columnCapacity = max(1, rows * width)
            columnStorage = .allocate(capacity: columnCapacity)
        }
        let out = columnStorage!
        // On the bit patterns: (x + 0xFFFF_FFFF) >> 32 is 1 for any non-zero 32-bit x and 0
        // for zero, so the tests below are arithmetic. Float compares became branches,
        // mispredicted on the ~15 % ones (10 cycles a pixel, 4 % of a chain step); SIMD
        // masks were worse still (left as generic calls).
        var n = 0, other: UInt64 = 0
        let bits = UnsafeRawPointer(x)
        for r in 0..<rows {
            for c in 0..<width {
                let b = UInt64(bits.load(fromByteOffset: (r * width + c) * 4, as: UInt32.self))
                let isOne = 1 &- ((b ^ 0x3F80_0000) &+ 0xFFFF_FFFF) >> 32
                let isZero = 1 &- ((b & 0x7FFF_FFFF) &+ 0xFFFF_FFFF) >> 32
                out[n] = Int32(truncatingIfNeeded: c)
                n &+= Int(truncatingIfNeeded: isOne)
                other |= 1 &- isOne &- isZero
            }
            rowStarts.append(Int32(truncatingIfNeeded: n))
        }
        columnCount = n
        isValid = other == 0
        return isValid
    }
}
