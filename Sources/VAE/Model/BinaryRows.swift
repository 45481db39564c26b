/// The ones of a batch of binary images, row by row (compressed sparse rows).
///
/// Chain and training inputs are binary and about 13-20 % ones, so the first layer's
/// product becomes a sum of the weight rows of the active pixels: several times fewer
/// operations than a dense product.
public struct BinaryRows: Sendable {
    public private(set) var rowStarts: [Int32]
    public private(set) var columns: [Int32]

    public var rows: Int { rowStarts.count - 1 }

    public init() {
        rowStarts = [0]
        columns = []
    }

    /// Rebuilds from a dense batch; returns false (leaving self unusable) if any value is
    /// neither 0 nor 1.
    public mutating func rebuild(from x: UnsafePointer<Float>, rows: Int, columns width: Int) -> Bool {
        rowStarts.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true)
        rowStarts.append(0)
        for r in 0..<rows {
            let row = x + r * width
            for c in 0..<width {
                let v = row[c]
                if v == 1 { columns.append(Int32(c)) } else if v != 0 { return false }
            }
            rowStarts.append(Int32(columns.count))
        }
        return true
    }

    public var density: Double {
        guard rows > 0 else { return 0 }
        return Double(columns.count) / Double(rows)
    }
}
