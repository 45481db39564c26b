import VAE

/// Runs the chains of one input for steps 0...T and turns each step into a `StepRecord`.
/// Buffers are allocated once; a sweep reuses one trajectory for all its runs.
public final class Trajectory {
    public let model: DynamicsModel
    public let kernel: ChainKernel
    public let chains: ChainBatch
    private let memory: MemoryBank?
    private let memoryScratch: MemoryBank.Scratch?
    private var memoryLabels: [Int32]

    /// What a run ended with.
    public struct Outcome: Sendable {
        /// Steps t >= 1 that ran.
        public var completed: Int
        public var cancelled: Bool
        public var minimum: [Float]
        public var minimumStep: [Int]
    }

    public init(model: DynamicsModel, trials: Int, kernel: ChainKernel, memory: MemoryBank? = nil) {
        self.model = model
        self.kernel = kernel
        self.memory = memory
        chains = ChainBatch(network: model.network, trials: trials)
        memoryScratch = memory.map { _ in MemoryBank.Scratch(rows: trials) }
        memoryLabels = [Int32](repeating: -1, count: trials)
    }

    /// Runs `parameters` from `input`. Checks `isCancelled` before each step t >= 1, so a
    /// cancelled run stops within one step; throws if the state stops being finite.
    public func run(input: DynamicsInput, references: ReferenceSet, parameters p: DynamicsParameters,
                    isCancelled: () -> Bool, onStep: (StepRecord) -> Void) throws -> Outcome {
        precondition(p.trials == chains.trials)
        let table = DistanceTable(references: references, metric: p.metric, trials: p.trials)
        chains.seed(p.seed)
        chains.setInitialImages(input.pixels, binarize: p.binarize, noise: p.noise)
        let window = p.minimumSteps
        var outcome = Outcome(completed: 0, cancelled: false, minimum: [Float](repeating: .infinity, count: references.count),
                              minimumStep: [Int](repeating: 0, count: references.count))
        for t in 0...p.steps {
            if t > 0 {
                if isCancelled() {
                    outcome.cancelled = true
                    break
                }
                kernel.advance(chains)
                outcome.completed = t
            } else {
                kernel.start(chains)
            }
            let record = try measure(t: t, table: table, parameters: p)
            if window.contains(t) {
                for r in 0..<references.count where record.distance[r] < outcome.minimum[r] {
                    outcome.minimum[r] = record.distance[r]
                    outcome.minimumStep[r] = t
                }
            }
            onStep(record)
        }
        return outcome
    }

    private func measure(t: Int, table: DistanceTable, parameters p: DynamicsParameters) throws -> StepRecord {
        let states = p.measure == .mean ? chains.means : chains.latents
        table.measure(states.pointer, stride: states.stride)
        var distance: [Float], standardError: [Float]?
        switch p.aggregation {
        case .trials: (distance, standardError) = table.trialStatistics()
        case .state: distance = table.averageStateDistances(states.pointer, stride: states.stride)
        }
        guard distance.allSatisfy(\.isFinite) else { throw DynamicsError("the latent state is no longer finite at step \(t)") }
        let nearest = distance.indices.min { distance[$0] < distance[$1] }!
        var record = StepRecord(model: model.id, t: t, distance: distance, standardError: standardError,
                                nearest: table.references.infos[nearest].id, classShares: table.nearestClassShares())
        if p.memory, let memory, let memoryScratch {
            record.memoryShares = memory.classShares(states.pointer, stride: states.stride, rows: chains.trials, scratch: memoryScratch,
                                                     labels: &memoryLabels)
        }
        if p.meanImage { record.meanImage = meanImage() }
        if p.projection { record.projection = projection(states.pointer, stride: states.stride) }
        return record
    }

    private func meanImage() -> [Float] {
        let d = model.architecture.inputSize
        var sum = [Float](repeating: 0, count: d)
        for r in 0..<chains.trials {
            let row = chains.images.pointer + r * d
            for i in 0..<d { sum[i] += row[i] }
        }
        return sum.map { $0 / Float(chains.trials) }
    }

    private func projection(_ states: UnsafePointer<Float>, stride: Int) -> ProjectedStates {
        let points = (0..<chains.trials).map { model.project(states + $0 * stride) }
        let mean = (0..<2).map { k in points.reduce(0) { $0 + $1[k] } / Float(points.count) }
        return ProjectedStates(mean: mean, trials: points)
    }
}
