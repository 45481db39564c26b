import VAE

/// The uncertainty of a stage call: the run's minimum-over-t statistic recomputed on
/// paired bootstrap resamples of its trials.
///
/// A stage is decided by which reference's trial-mean distance curve reaches the lowest
/// minimum, and those minima differ by hundredths. Each resample draws `trials` trials with
/// replacement (the same draw for every reference and step: paired, so that what all of a
/// trial's distances share, its norm above all, stays with the trial) and takes the
/// minimum over the window of each reference's weighted mean curve. The share of resamples
/// whose nearest rung is the point estimate's is the call's support (`StageLadder.call`).
/// The resamples are drawn from the run's seed: the same run gives the same support.
public final class ResampledMinima {
    public static let resamples = 200

    public let trials: Int
    public let groups: Int
    public let referenceCount: Int
    /// resamples x trials: how many times each trial is drawn.
    private let weights: [Float]
    /// groups x resamples x R.
    private var minima: [Float]
    private var curve: [Float]

    public init(trials: Int, groups: Int, references: Int, seed: UInt64) {
        self.trials = trials
        self.groups = groups
        referenceCount = references
        // A stream no chain uses: the chains' are (seed, trial).
        var stream = RandomStream(seed: seed ^ 0x5354_4147_4543_414C, stream: 1 << 62)
        var w = [Float](repeating: 0, count: Self.resamples * trials)
        for b in 0..<Self.resamples {
            for _ in 0..<trials { w[b * trials + Int(stream.next() % UInt64(trials))] += 1 }
        }
        weights = w
        minima = [Float](repeating: .infinity, count: groups * Self.resamples * references)
        curve = [Float](repeating: 0, count: references)
    }

    /// Takes the step's distances (`table`, every group's trials one after the other) into
    /// every resample's running minima.
    public func observe(_ table: DistanceTable) {
        let count = referenceCount
        table.distances.withUnsafeBufferPointer { d in
            for g in 0..<groups {
                for b in 0..<Self.resamples {
                    for r in 0..<count { curve[r] = 0 }
                    for i in 0..<trials {
                        let w = weights[b * trials + i]
                        guard w != 0 else { continue }
                        let row = (g * trials + i) * count
                        for r in 0..<count { curve[r] += w * d[row + r] }
                    }
                    let base = (g * Self.resamples + b) * count
                    for r in 0..<count where curve[r] / Float(trials) < minima[base + r] { minima[base + r] = curve[r] / Float(trials) }
                }
            }
        }
    }

    /// Each resample's minimum per reference, for group `g`.
    public func minima(group g: Int) -> [[Float]] {
        (0..<Self.resamples).map { b in
            let base = (g * Self.resamples + b) * referenceCount
            return Array(minima[base..<base + referenceCount])
        }
    }
}
