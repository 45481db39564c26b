/// How far apart the class concepts lie compared with how widely each class's encoder means
/// spread around its own concept: a well-separated latent space has a ratio well above 1.
public struct ConceptGeometry: Sendable, Equatable {
    /// Mean Euclidean distance over all pairs of distinct class concepts.
    public let betweenConcepts: Double
    /// Mean over classes of the mean distance from an image's encoder mean to its class concept.
    public let withinClass: Double

    public var separation: Double { betweenConcepts / withinClass }

    /// `concepts`: one vector per class; `means`: rows of encoder means (count x Z) with
    /// their class in `labels`. Images of a class with no concept are ignored.
    public init(concepts: [[Float]], means: [Float], labels: [Int]) {
        let z = concepts.first?.count ?? 0
        func distance(_ a: [Float], _ row: Int) -> Double {
            (0..<z).reduce(0.0) { s, j in let d = Double(a[j] - means[row * z + j]); return s + d * d }.squareRoot()
        }
        var pairs = 0.0, pairCount = 0
        for a in concepts.indices {
            for b in concepts.indices where b > a {
                pairs += zip(concepts[a], concepts[b]).reduce(0.0) { s, p in let d = Double(p.0 - p.1); return s + d * d }.squareRoot()
                pairCount += 1
            }
        }
        var sums = [Double](repeating: 0, count: concepts.count), counts = [Int](repeating: 0, count: concepts.count)
        for (row, c) in labels.enumerated() where concepts.indices.contains(c) {
            sums[c] += distance(concepts[c], row)
            counts[c] += 1
        }
        let perClass = concepts.indices.filter { counts[$0] > 0 }.map { sums[$0] / Double(counts[$0]) }
        betweenConcepts = pairs / Double(max(pairCount, 1))
        withinClass = perClass.reduce(0, +) / Double(max(perClass.count, 1))
    }
}
