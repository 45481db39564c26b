import Foundation
import VAE

/// Runs the chains of one input for steps 0...T and reduces each step to statistics over
/// trials: a `StepRecord` for a dynamics run, running minima for each group of a sweep.
/// Buffers are allocated once; a sweep reuses one trajectory for all its runs.
public final class Trajectory {
    public let model: DynamicsModel
    public let kernel: ChainKernel
    public let chains: ChainBatch
    private let memory: MemoryBank?
    private let memoryScratch: MemoryBank.Scratch?
    private var memoryLabels: [Int32]
    /// The steps at which the nearest memories are searched (every step when nil): the search
    /// costs trials x memories x Z a step, more than the chain itself on a large model.
    private let memorySteps: Set<Int>?

    /// What one group of a run ended with.
    public struct Outcome: Sendable {
        /// Steps t >= 1 that ran.
        public var completed: Int
        public var cancelled: Bool
        public var minimum: [Float]
        public var minimumStep: [Int]
        /// The minima of the bootstrap resamples of the trials (`ResampledMinima`); nil for
        /// aggregation "state", whose distances are not per trial.
        public var resampled: [[Float]]?
        /// The median escape from the input's class (`run` with the class known).
        public var escape: EscapeTime?
    }

    /// `groups` runs of `trials` trials each advance as one batch (see `runGroups`).
    public init(model: DynamicsModel, trials: Int, groups: Int = 1, kernel: ChainKernel, memory: MemoryBank? = nil, memorySteps: Set<Int>? = nil) {
        self.memorySteps = memorySteps
        self.model = model
        self.kernel = kernel
        self.memory = memory
        chains = ChainBatch(network: model.network, trials: trials, groups: groups)
        memoryScratch = memory.map { _ in MemoryBank.Scratch(rows: trials) }
        memoryLabels = [Int32](repeating: -1, count: trials)
    }

    /// Runs `parameters` from `input` (a trajectory of one group), handing over a record per
    /// step. Checks `isCancelled` before each step t >= 1, so a cancelled run stops within
    /// one step; throws if the state stops being finite.
    /// `controls`: the run's control points, when its start record already listed them.
    public func run(input: DynamicsInput, references: ReferenceSet, controls: ControlSet? = nil, parameters p: DynamicsParameters,
                    isCancelled: () -> Bool, onStep: (StepRecord) -> Void) throws -> Outcome {
        precondition(chains.groups == 1)
        let controlled = ControlledDistances(references: references, controls: controls ?? ControlSet(references: references, units: model.controlUnits),
                                             metric: p.metric, trials: chains.rows)
        let retention = input.label.flatMap { model.classConcept(label: $0) }.flatMap { references.classReferences.firstIndex(of: $0) }
            .map { Retention(ownClass: $0, trials: chains.rows) }
        var outcome = try runGroups(input: input, references: references, parameters: p, noises: [p.noise], isCancelled: isCancelled) { t, table in
            let states = self.measuredStates(p)
            controlled.measure(t: t, table: table, states: states.view, stride: states.stride)
            var record = try self.record(t: t, table: table, controlled: controlled, parameters: p, truth: input.pixels)
            record.retention = retention?.observe(t: t, table: table, rows: 0..<chains.trials)
            onStep(record)
            return [record.distance]
        }[0]
        outcome.escape = retention?.median(rows: 0..<chains.trials, steps: outcome.completed)
        return outcome
    }

    /// Runs one group per noise model (parameters.noise is ignored), each reduced to its
    /// minima. A group's results are those of a run of its own.
    public func runGroups(input: DynamicsInput, references: ReferenceSet, parameters p: DynamicsParameters, noises: [NoiseModel],
                          isCancelled: () -> Bool) throws -> [Outcome] {
        try runGroups(input: input, references: references, parameters: p, noises: noises, isCancelled: isCancelled) { t, table in
            try (0..<chains.groups).map { try self.distances(t: t, table: table, rows: self.rows(group: $0), parameters: p) }
        }
    }

    /// The loop: `reduce` turns the measured step t into one distance per reference and group.
    private func runGroups(input: DynamicsInput, references: ReferenceSet, parameters p: DynamicsParameters, noises: [NoiseModel],
                           isCancelled: () -> Bool, reduce: (Int, DistanceTable) throws -> [[Float]]) throws -> [Outcome] {
        precondition(p.trials == chains.trials && noises.count == chains.groups)
        let table = DistanceTable(references: references, metric: p.metric, trials: chains.rows)
        chains.seed(p.seed)
        chains.setInitialImages(input.pixels, binarize: p.binarize, noises: noises)
        let window = p.minimumSteps
        let resampled = p.aggregation == .trials
            ? ResampledMinima(trials: chains.trials, groups: chains.groups, references: references.count, seed: p.seed) : nil
        var outcomes = [Outcome](repeating: Outcome(completed: 0, cancelled: false, minimum: [Float](repeating: .infinity, count: references.count),
                                                    minimumStep: [Int](repeating: 0, count: references.count)), count: chains.groups)
        for t in 0...p.steps {
            if t > 0 {
                if isCancelled() {
                    for g in outcomes.indices { outcomes[g].cancelled = true }
                    break
                }
                kernel.advance(chains)
            } else {
                kernel.start(chains)
            }
            let states = measuredStates(p)
            table.measure(states.view, stride: states.stride)
            let distances = try reduce(t, table)
            if window.contains(t) { resampled?.observe(table) }
            for g in outcomes.indices {
                outcomes[g].completed = t
                guard window.contains(t) else { continue }
                for r in 0..<references.count where distances[g][r] < outcomes[g].minimum[r] {
                    outcomes[g].minimum[r] = distances[g][r]
                    outcomes[g].minimumStep[r] = t
                }
            }
        }
        if let resampled { for g in outcomes.indices { outcomes[g].resampled = resampled.minima(group: g) } }
        return outcomes
    }

    private func rows(group g: Int) -> Range<Int> { g * chains.trials..<(g + 1) * chains.trials }

    private func measuredStates(_ p: DynamicsParameters) -> (view: FloatView, stride: Int) {
        p.measure == .mean ? chains.means : chains.latents
    }

    /// The aggregated distance of each reference over the trials `rows`.
    private func distances(t: Int, table: DistanceTable, rows: Range<Int>, parameters p: DynamicsParameters) throws -> [Float] {
        let distance: [Float]
        switch p.aggregation {
        case .trials: distance = table.trialStatistics(rows: rows).mean
        case .state:
            let states = measuredStates(p)
            distance = table.averageStateDistances(states.view, stride: states.stride, rows: rows)
        }
        guard distance.allSatisfy(\.isFinite) else { throw DynamicsError("the latent state is no longer finite at step \(t)") }
        return distance
    }

    private func record(t: Int, table: DistanceTable, controlled: ControlledDistances, parameters p: DynamicsParameters,
                        truth: [UInt8]) throws -> StepRecord {
        let rows = self.rows(group: 0)
        let states = measuredStates(p)
        let distance = try distances(t: t, table: table, rows: rows, parameters: p)
        let standardError = p.aggregation == .trials ? table.trialStatistics(rows: rows).standardError : nil
        let nearest = distance.indices.min { distance[$0] < distance[$1] }!
        let reading = controlled.reading(table: table, rows: rows, contrast: p.contrast)
        var record = StepRecord(model: model.id, t: t, distance: distance, standardError: standardError,
                                nearest: table.references.infos[nearest].id, classShares: table.nearestClassShares(rows: rows),
                                norm: reading.norm, controlDistance: reading.controlDistance)
        switch p.aggregation {
        case .trials:
            record.controlStandardError = reading.controlStandardError
            record.approach = reading.approach
            record.contrast = reading.contrast
            record.contrastChange = reading.contrastChange
        case .state:
            // The control's distance of the trial-averaged state, as `distance` is.
            record.controlDistance = controlled.controlTable.averageStateDistances(states.view, stride: states.stride, rows: rows)
        }
        if p.memory, let memory, let memoryScratch, memorySteps?.contains(t) ?? true {
            let nearest = memory.nearest(states.view, stride: states.stride, rows: chains.trials, scratch: memoryScratch, labels: &memoryLabels)
            record.memoryShares = nearest.classShares
            record.memoryDistance = nearest.distance
        }
        if p.meanImage { record.meanImage = meanImage() }
        if p.projection { record.projection = projection(states.view, stride: states.stride) }
        if let imputing = kernel as? ImputingKernel {
            if t > 0 { record.acceptance = imputing.acceptance(chains, rows: rows) }
            record.imputation = imputation(hidden: imputing.mask.hiddenIndices, truth: truth)
        }
        return record
    }

    /// The trials' hidden pixels at t against the truth: p(x_i | z(t)) from the logits the
    /// imputation kernel left (ImputingKernel), and the drawn x(t).
    private func imputation(hidden: [Int], truth: [UInt8]) -> ImputationReading {
        let d = model.architecture.inputSize, n = chains.trials
        let logits = chains.workspace.logits.view.reading(n * d), x = chains.images.view.reading(n * d)
        var error = 0.0, correct = 0
        for r in 0..<n {
            for i in hidden {
                let p = 1 / (1 + Foundation.exp(-Double(logits[r * d + i])))
                error += abs(p - Double(truth[i]) / 255)
                if (x[r * d + i] >= 0.5) == (truth[i] >= 128) { correct += 1 }
            }
        }
        let count = Double(n * hidden.count)
        return ImputationReading(error: Float(error / count), accuracy: Float(Double(correct) / count))
    }

    private func meanImage() -> [Float] {
        let d = model.architecture.inputSize
        var sum = [Float](repeating: 0, count: d)
        for r in 0..<chains.trials {
            let row = chains.images.view + r * d
            for i in 0..<d { sum[i] += row[i] }
        }
        return sum.map { $0 / Float(chains.trials) }
    }

    private func projection(_ states: FloatView, stride: Int) -> ProjectedStates {
        let z = model.architecture.latentSize
        let points = (0..<chains.trials).map { model.project((states + $0 * stride).reading(z)) }
        let mean = (0..<2).map { k in points.reduce(0) { $0 + $1[k] } / Float(points.count) }
        return ProjectedStates(mean: mean, trials: points)
    }
}
