import VAE

/// What one step's distances mean once the state's norm is accounted for: the distance of
/// every trial to every reference's control point (`ControlSet`), the state's norm, the
/// approach beyond the control since t = 0, and (on request) each concept's contrast.
///
/// All of them are paired over trials: a trial's own distance to a concept and to its
/// control move with the same state, so their difference cancels what the state's norm
/// does to both, and its standard error is that of the difference, not of either alone.
public final class ControlledDistances {
    public let references: ReferenceSet
    public let controls: ControlSet
    /// The controls' distances, trials x R.
    public let controlTable: DistanceTable
    /// Per trial and reference at t = 0: distance minus the control's distance; and the contrast.
    private var startGap: [Float]
    private var startContrast: [Float]
    private var norms: [Float]
    /// For each reference, the other references of its level (none: no contrast).
    private let peers: [[Int]]

    public init(references: ReferenceSet, controls: ControlSet, metric: DynamicsParameters.Metric, trials: Int) {
        self.references = references
        self.controls = controls
        controlTable = DistanceTable(references: controls.points, metric: metric, trials: trials)
        let count = references.count
        startGap = [Float](repeating: 0, count: trials * count)
        startContrast = [Float](repeating: 0, count: trials * count)
        norms = [Float](repeating: 0, count: trials)
        peers = references.infos.map { info in
            guard info.level != ReferenceSet.itemLevel else { return [] }
            return references.infos.indices.filter { references.infos[$0].level == info.level && references.infos[$0].id != info.id }
        }
    }

    /// Measures the states of step t (after `table` measured them); at t = 0 keeps each
    /// trial's gaps and contrasts as the baseline of the later steps.
    public func measure(t: Int, table: DistanceTable, states view: FloatView, stride: Int) {
        controlTable.measure(view, stride: stride)
        let z = references.latentSize, count = references.count, trials = table.trials
        let states = view.reading(rows: trials, stride: stride, width: z)
        for i in 0..<trials {
            var s: Float = 0
            for j in 0..<z { s += states[i * stride + j] * states[i * stride + j] }
            norms[i] = s.squareRoot()
        }
        guard t == 0 else { return }
        for i in 0..<trials {
            for r in 0..<count {
                startGap[i * count + r] = table.distances[i * count + r] - controlTable.distances[i * count + r]
                startContrast[i * count + r] = contrast(table, trial: i, reference: r) ?? 0
            }
        }
    }

    /// Mean over the other references of its level of the trial's distance, minus its distance
    /// to the reference: positive when the trial is nearer this concept than its peers.
    private func contrast(_ table: DistanceTable, trial i: Int, reference r: Int) -> Float? {
        let others = peers[r], count = references.count
        guard !others.isEmpty else { return nil }
        var s: Float = 0
        for k in others { s += table.distances[i * count + k] }
        return s / Float(others.count) - table.distances[i * count + r]
    }

    /// The readings of the trials `rows` at the step last measured.
    public func reading(table: DistanceTable, rows: Range<Int>, contrast withContrast: Bool) -> Reading {
        let count = references.count
        let control = controlTable.trialStatistics(rows: rows)
        let approach = (0..<count).map { r in
            Estimate(over: rows) { i in
                startGap[i * count + r] - (table.distances[i * count + r] - self.controlTable.distances[i * count + r])
            }
        }
        var reading = Reading(norm: Estimate(over: rows) { self.norms[$0] }, controlDistance: control.mean,
                              controlStandardError: control.standardError, approach: approach)
        if withContrast {
            reading.contrast = (0..<count).map { r in
                peers[r].isEmpty ? nil : Estimate(over: rows) { self.contrast(table, trial: $0, reference: r)! }
            }
            reading.contrastChange = (0..<count).map { r in
                peers[r].isEmpty ? nil : Estimate(over: rows) { self.contrast(table, trial: $0, reference: r)! - self.startContrast[$0 * count + r] }
            }
        }
        return reading
    }

    public struct Reading: Sendable, Equatable {
        /// |mu(t)| (or |z(t)|) over the trials.
        public var norm: Estimate
        /// Per reference: the mean over trials of the distance to its control, and its SE.
        public var controlDistance: [Float]
        public var controlStandardError: [Float]
        /// Per reference: how much more the trials came nearer the reference than its control
        /// since t = 0: (d(0) - d(t)) - (c(0) - c(t)), paired over trials.
        public var approach: [Estimate]
        /// Per reference with peers at its level: the contrast at t, and its change since t = 0.
        public var contrast: [Estimate?]?
        public var contrastChange: [Estimate?]?
    }
}
