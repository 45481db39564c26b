import VAE

/// The Fig 3 experiment over a population: for each input and each noise ratio, a run of
/// `parameters` (with that ratio) reduced to one point record, then stage counts.
///
/// Every input and ratio uses the same trial streams (seed, trial), so neighbouring
/// ratios differ by the noise, not by the luck of the draws. Several ratios run as one
/// batch (up to `batchRows` chains), which gives the same points as separate runs: a
/// trial's products do not depend on the rows beside it (`FixedOrderProduct`).
public final class SweepRun {
    public static let batchRows = 1024

    public let model: DynamicsModel
    public let inputs: [DynamicsInput]
    public let ratios: [Float]
    public let parameters: DynamicsParameters
    private let kernel: ChainKernel
    /// Ratios run as one batch (the chains' buffers are made by `run`, as for `DynamicsRun`).
    private let ratiosPerBatch: Int

    public init(model: DynamicsModel, inputs: [DynamicsInput], ratios: [Float], parameters: DynamicsParameters, kernel: ChainKernel? = nil) throws {
        guard !inputs.isEmpty else { throw DynamicsError("a sweep needs at least one input") }
        guard !ratios.isEmpty else { throw DynamicsError("a sweep needs at least one noise ratio") }
        guard !parameters.meanImage, !parameters.projection, !parameters.memory, !parameters.contrast else {
            throw DynamicsError("a sweep reports minima only: mean images, projections, memories and contrasts are for dynamics runs")
        }
        for r in ratios { _ = try NoiseModel(kind: parameters.noise.kind, ratio: r) }
        try parameters.validate()
        for input in inputs { try DynamicsRun.check(input: input, model: model, parameters: parameters, memory: nil) }
        self.model = model
        self.inputs = inputs
        self.ratios = ratios
        self.parameters = parameters
        self.kernel = try kernel ?? parameters.makeKernel(pixels: model.architecture.inputSize)
        ratiosPerBatch = max(1, min(ratios.count, Self.batchRows / parameters.trials))
    }

    public var startRecord: StartRecord {
        let references = ReferenceSet(model: model, input: inputs[0])
        return StartRecord(model: model.id, experiment: "sweep", kernel: kernel.name, hiddenPixels: (kernel as? ImputingKernel)?.mask.hiddenCount,
                           latentSize: model.architecture.latentSize,
                           parameters: parameters, noiseRatios: ratios, inputs: inputs.map(\.info), references: references.infos,
                           controls: ControlSet(references: references, units: model.controlUnits).infos, controlUnits: model.controlUnits,
                           classReferences: references.classReferences.map { references.infos[$0].id },
                           classNames: model.bundle.description.classNames, levels: model.levels)
    }

    /// Emits the start record, one point record per (input, ratio), input after input, then
    /// a summary or an error record. `progress` gets the number of points done.
    @discardableResult
    public func run(isCancelled: () -> Bool = { false }, progress: (Int) -> Void = { _ in },
                    emit: (DynamicsRecord) -> Void) -> DynamicsRecord {
        emit(.start(startRecord))
        var stages = [[PointRecord]](repeating: [], count: inputs.count)
        var completed = 0
        let last: DynamicsRecord
        do {
            try points(of: inputs.indices, isCancelled: isCancelled, progress: progress) { point in
                stages[point.input].append(point)
                completed += 1
                emit(.point(point))
            }
            last = .summary(summary(stages: stages, completed: completed))
        } catch {
            last = .error(ErrorRecord(model: model.id, message: "\(error)"))
        }
        emit(last)
        return last
    }

    /// The point records of the inputs in `range`, input after input, each with its index
    /// among all the inputs: a part of the sweep that another process may run (the points
    /// of an input do not depend on which other inputs run, every input using the same
    /// trial streams). Returns false if cancelled before the end.
    @discardableResult
    public func points(of range: Range<Int>, isCancelled: () -> Bool = { false }, progress: (Int) -> Void = { _ in },
                       emit: (PointRecord) -> Void) throws -> Bool {
        let trajectory = Trajectory(model: model, trials: parameters.trials, groups: ratiosPerBatch, kernel: kernel)
        var completed = 0
        for i in range {
            let input = inputs[i]
            let references = ReferenceSet(model: model, input: input)
            let ladder = StageLadder(model: model, references: references, label: input.label)
            for first in stride(from: 0, to: ratios.count, by: ratiosPerBatch) {
                let batch = Array(ratios[first..<min(ratios.count, first + ratiosPerBatch)])
                // The last batch may be short; its spare groups repeat its last ratio and are dropped.
                let padded = batch + [Float](repeating: batch.last!, count: ratiosPerBatch - batch.count)
                let noises = try padded.map { try NoiseModel(kind: parameters.noise.kind, ratio: $0) }
                let outcomes = try trajectory.runGroups(input: input, references: references, parameters: parameters, noises: noises,
                                                        isCancelled: isCancelled)
                if outcomes[0].cancelled { return false }
                for (ratio, outcome) in zip(batch, outcomes) {
                    let stage = ladder?.call(outcome.minimum, resampled: outcome.resampled, trials: parameters.trials)
                    emit(PointRecord(model: model.id, input: i, ratio: ratio, minimum: outcome.minimum, minimumStep: outcome.minimumStep,
                                     stage: stage?.stage, stageReference: stage.map { references.infos[$0.reference].id }, stageLevel: stage?.level,
                                     stageSupport: stage?.support, stageDecided: stage?.decided))
                    completed += 1
                    progress(completed)
                }
            }
        }
        return true
    }

    /// The summary `run` ends with, from every point of the sweep in order (the merged shards of one).
    public func summary(of points: [PointRecord]) -> SummaryRecord {
        var stages = [[PointRecord]](repeating: [], count: inputs.count)
        for p in points { stages[p.input].append(p) }
        return summary(stages: stages, completed: points.count)
    }

    /// Counts decided stages per ratio, and undecided ones apart: an undecided call is not
    /// evidence for any stage.
    private func summary(stages: [[PointRecord]], completed: Int) -> SummaryRecord {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: model.levels.count), count: ratios.count)
        var undecided = [Int](repeating: 0, count: ratios.count)
        let decided = stages.map { row in row.map { $0.stageDecided == true ? $0.stage : nil } }
        for row in stages {
            for (k, point) in row.enumerated() where point.stage != nil {
                if point.stageDecided == true, let stage = point.stage { counts[k][stage - 1] += 1 } else { undecided[k] += 1 }
            }
        }
        let changes = decided.map { row in
            row.indices.dropFirst().compactMap { k -> StageChange? in
                guard let a = row[k - 1], let b = row[k], a != b else { return nil }
                return StageChange(after: ratios[k - 1], at: ratios[k], from: a, to: b)
            }
        }
        var summary = SummaryRecord(model: model.id, done: completed == inputs.count * ratios.count, completed: completed)
        summary.stageCounts = counts
        summary.undecidedCounts = undecided
        summary.stageChanges = changes
        return summary
    }
}
