/// Agglomerative clustering with average linkage (UPGMA): the distance between two
/// clusters is the mean Euclidean distance between a member of one and a member of the
/// other, and the two nearest clusters merge until one is left. Ties go to the pair whose
/// clusters' smallest members come first (by the first cluster, then the second), so the
/// result depends on the points and their order only.
public enum AverageLinkage {
    /// The clusters (lists of point indices, increasing) at each of `counts` clusters, in
    /// the order of `counts`; within a cut, ordered by their smallest member. Cuts of one
    /// merge history are nested: each cluster of a coarser cut is a union of finer ones.
    /// `counts` must lie in 1...points.count.
    public static func cuts(_ points: [[Float]], counts: [Int]) -> [[[Int]]] {
        precondition(counts.allSatisfy { (1...points.count).contains($0) }, "cluster counts \(counts) outside 1...\(points.count)")
        var clusters = points.indices.map { [$0] }
        // sums[a][b]: the sum of the distances between the members of clusters a and b.
        var sums = points.indices.map { a in points.indices.map { b in euclidean(points[a], points[b]) } }
        var found: [Int: [[Int]]] = [:]
        while true {
            if counts.contains(clusters.count) { found[clusters.count] = clusters }
            guard clusters.count > 1 else { break }
            var best = (a: 0, b: 1, distance: Double.infinity)
            for a in clusters.indices {
                for b in (a + 1)..<clusters.count {
                    let d = sums[a][b] / Double(clusters[a].count * clusters[b].count)
                    if d < best.distance { best = (a, b, d) }
                }
            }
            // Cluster a keeps its place (its smallest member is the smaller), so the order by
            // smallest member holds.
            clusters[best.a] = (clusters[best.a] + clusters[best.b]).sorted()
            clusters.remove(at: best.b)
            for k in sums.indices { sums[k][best.a] += sums[k][best.b] }
            sums[best.a] = sums.indices.map { sums[$0][best.a] }
            sums.remove(at: best.b)
            for k in sums.indices { sums[k].remove(at: best.b) }
        }
        return counts.map { found[$0]! }
    }

    static func euclidean(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
    }
}
