/// How long each trial keeps its input's class: the first step at which its nearest class
/// concept is another class (its escape), as a survival curve over t and a median escape
/// time with a distribution-free 95 % interval.
///
/// Why not "the share nearest the own class at t = 50": a chain mixes toward its own
/// resting mix whatever the input (`RestingMix` in Experiments), so a share at one late
/// step mostly measures how fast the chain mixes; the time each trial keeps its class, with
/// its uncertainty, is what the input decides.
public final class Retention {
    /// Index of the input's class among the class references.
    public let ownClass: Int
    /// Per trial, the first step whose nearest class is not the own (nil: not yet).
    public private(set) var escape: [Int?]

    public init(ownClass: Int, trials: Int) {
        self.ownClass = ownClass
        escape = [Int?](repeating: nil, count: trials)
    }

    /// Takes the step's nearest classes; returns the share of the trials `rows` that have
    /// kept the own class at every step so far (the survival curve at t).
    public func observe(t: Int, table: DistanceTable, rows: Range<Int>) -> Float {
        for i in rows where escape[i] == nil && table.nearestClass(trial: i) != ownClass { escape[i] = t }
        return Float(rows.filter { escape[$0] == nil }.count) / Float(rows.count)
    }

    /// The median escape step over the trials `rows` after `steps` steps (the ceil(n/2)-th
    /// smallest: the first step by which half had left), with the distribution-free 95 %
    /// interval of the order statistics, ranks floor(n/2 - 1.96 sqrt(n)/2) and
    /// ceil(1 + n/2 + 1.96 sqrt(n)/2) (binomial, normal approximation); a figure past the
    /// last step is nil ("not within the run").
    public func median(rows: Range<Int>, steps: Int) -> EscapeTime {
        let times = rows.map { escape[$0] ?? steps + 1 }.sorted()
        let n = Double(times.count), half = 1.96 * n.squareRoot() / 2
        func at(rank: Double) -> Int? {
            let t = times[min(times.count, max(1, Int(rank))) - 1]
            return t > steps ? nil : t
        }
        return EscapeTime(median: at(rank: (n / 2).rounded(.up)), low: at(rank: (n / 2 - half).rounded(.down)),
                          high: at(rank: (1 + n / 2 + half).rounded(.up)))
    }
}

/// The step at which half the trials have left their input's class, and its 95 % interval;
/// nil where that is beyond the run's last step.
public struct EscapeTime: Codable, Sendable, Equatable {
    public var median: Int?
    public var low: Int?
    public var high: Int?

    public init(median: Int?, low: Int?, high: Int?) {
        self.median = median
        self.low = low
        self.high = high
    }
}
