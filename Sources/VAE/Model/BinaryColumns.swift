/// The ones of a whole batch of binary images, pixel by pixel: for each input, the rows
/// that have it on, in increasing order (compressed sparse columns).
///
/// The first layer's weight gradient row p is the sum of the output-gradient rows of
/// exactly these rows, so each gradient row is written once, from rows that sit in L2.
public final class BinaryColumns: @unchecked Sendable {
    public private(set) var columnStarts: [Int32] = [0]
    public private(set) var rows: [Int32] = []

    public init() {}

    /// Transposes the shards' rows; shard i's first row is row `offsets[i]` of the batch.
    public func rebuild(from shards: ArraySlice<BinaryRows>, offsets: [Int], width: Int) {
        var counts = [Int32](repeating: 0, count: width + 1)
        for shard in shards {
            for c in shard.columns { counts[Int(c) + 1] += 1 }
        }
        for p in 0..<width { counts[p + 1] += counts[p] }
        columnStarts = counts
        var next = counts
        rows = [Int32](repeating: 0, count: Int(counts[width]))
        rows.withUnsafeMutableBufferPointer { out in
            for (shard, offset) in zip(shards, offsets) {
                for r in 0..<shard.rows {
                    for k in Int(shard.rowStarts[r])..<Int(shard.rowStarts[r + 1]) {
                        let p = Int(shard.columns[k])
                        out[Int(next[p])] = Int32(offset + r)
                        next[p] += 1
                    }
                }
            }
        }
    }
}
