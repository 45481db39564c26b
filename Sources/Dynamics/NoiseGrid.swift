/// The noise ratios of a sweep, from `from:to:step` (both ends included when on the grid).
public enum NoiseGrid {
    public static let maximumPoints = 1001

    public static func parse(_ text: String) throws -> [Float] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2] else {
            throw DynamicsError("noise grid must be FROM:TO:STEP (e.g. 0:1:0.05), got '\(text)'")
        }
        guard from >= 0, to <= 1, from <= to else { throw DynamicsError("noise grid must lie in [0, 1] with FROM <= TO, got '\(text)'") }
        guard step > 0, step.isFinite else { throw DynamicsError("noise grid step must be positive, got \(step)") }
        // Counting steps with a tolerance keeps 0:1:0.05 at 21 points despite rounding;
        // counting in Double keeps a tiny step (0:1:1e-300) from overflowing Int.
        let points = ((to - from) / step + 1e-6).rounded(.down) + 1
        guard points <= Double(maximumPoints) else { throw DynamicsError("noise grid '\(text)' has more than \(maximumPoints) points") }
        return (0..<Int(points)).map { Float(min(to, from + Double($0) * step)) }
    }
}
