/// A mean over trials and its standard error (sd / sqrt(n), 0 for one trial): how every
/// measure that a claim rests on is reported, so that a reader can tell a difference from
/// the noise of the draws.
public struct Estimate: Codable, Sendable, Equatable {
    public var mean: Float
    public var standardError: Float

    public init(mean: Float, standardError: Float) {
        self.mean = mean
        self.standardError = standardError
    }

    /// Of `value(i)` over the trials `rows`, accumulated in Double.
    public init(over rows: Range<Int>, _ value: (Int) -> Float) {
        var s = 0.0, s2 = 0.0
        for i in rows {
            let v = Double(value(i))
            s += v
            s2 += v * v
        }
        let n = Double(rows.count), m = s / n
        mean = Float(m)
        standardError = rows.count > 1 ? Float((max(0, s2 - n * m * m) / (n - 1) / n).squareRoot()) : 0
    }

    /// More than two standard errors above zero: with many trials, a one-sided test at about 2 %.
    public var isPositive: Bool { mean > 2 * standardError }
}
