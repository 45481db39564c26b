import VAE

/// Distances from every trial's latent state to every reference at one step, in buffers
/// reused across steps, and their statistics over trials.
///
/// Trials x references x Z is small (500 x 12 x 100 per step), so the distances are
/// direct loops: exact, and the same for a trial whatever the batch size.
public final class DistanceTable {
    public let references: ReferenceSet
    public let metric: DynamicsParameters.Metric
    /// Rows measured (every trial of every group).
    public let trials: Int
    /// trials x R.
    public private(set) var distances: [Float]
    private var referenceNorms: [Float]
    private var averageState: [Float]

    public init(references: ReferenceSet, metric: DynamicsParameters.Metric, trials: Int) {
        self.references = references
        self.metric = metric
        self.trials = trials
        distances = [Float](repeating: 0, count: trials * references.count)
        averageState = [Float](repeating: 0, count: references.latentSize)
        let z = references.latentSize
        referenceNorms = (0..<references.count).map { r in
            var s: Float = 0
            for j in 0..<z { s += references.vectors[r * z + j] * references.vectors[r * z + j] }
            return s.squareRoot()
        }
    }

    /// Fills `distances` from the trials' latent rows (row t at `states + t * stride`).
    public func measure(_ view: FloatView, stride: Int) {
        let z = references.latentSize, count = references.count
        let states = view.reading(rows: trials, stride: stride, width: z)
        references.vectors.withUnsafeBufferPointer { refs in
            distances.withUnsafeMutableBufferPointer { out in
                for t in 0..<trials {
                    for r in 0..<count {
                        out[t * count + r] = distance(states + t * stride, refs.baseAddress! + r * z, referenceNorm: referenceNorms[r])
                    }
                }
            }
        }
    }

    private func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, referenceNorm: Float) -> Float {
        let z = references.latentSize
        switch metric {
        case .euclidean:
            var s: Float = 0
            for j in 0..<z { s += (a[j] - b[j]) * (a[j] - b[j]) }
            return s.squareRoot()
        case .cosine:
            var dot: Float = 0, norm: Float = 0
            for j in 0..<z {
                dot += a[j] * b[j]
                norm += a[j] * a[j]
            }
            let denominator = norm.squareRoot() * referenceNorm
            return denominator > 0 ? 1 - dot / denominator : 1
        }
    }

    /// Mean over the trials `rows` of each reference's distance and its standard error
    /// (sd / sqrt(n), 0 for one trial).
    public func trialStatistics(rows: Range<Int>) -> (mean: [Float], standardError: [Float]) {
        let count = references.count
        let estimates = (0..<count).map { r in Estimate(over: rows) { self.distances[$0 * count + r] } }
        return (estimates.map(\.mean), estimates.map(\.standardError))
    }

    /// Distance of the state averaged over the trials `rows` to each reference.
    public func averageStateDistances(_ view: FloatView, stride: Int, rows: Range<Int>) -> [Float] {
        let z = references.latentSize
        let states = view.reading(rows: rows.upperBound, stride: stride, width: z)
        for j in 0..<z { averageState[j] = 0 }
        for t in rows { for j in 0..<z { averageState[j] += states[t * stride + j] } }
        for j in 0..<z { averageState[j] /= Float(rows.count) }
        return averageState.withUnsafeBufferPointer { a in
            references.vectors.withUnsafeBufferPointer { refs in
                (0..<references.count).map { distance(a.baseAddress!, refs.baseAddress! + $0 * z, referenceNorm: referenceNorms[$0]) }
            }
        }
    }

    /// Fraction of the trials `rows` whose nearest class-level concept is each of `references.classReferences`.
    public func nearestClassShares(rows: Range<Int>) -> [Float] {
        let classes = references.classReferences
        guard !classes.isEmpty else { return [] }
        var tally = [Int](repeating: 0, count: classes.count)
        for t in rows { tally[nearestClass(trial: t)] += 1 }
        return tally.map { Float($0) / Float(rows.count) }
    }

    /// The index in `references.classReferences` of the trial's nearest class concept.
    public func nearestClass(trial t: Int) -> Int {
        let classes = references.classReferences, count = references.count
        var best = 0
        for k in 1..<classes.count where distances[t * count + classes[k]] < distances[t * count + classes[best]] { best = k }
        return best
    }
}
