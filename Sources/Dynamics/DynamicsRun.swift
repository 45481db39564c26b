import VAE

/// One dynamics experiment (Fig 2a-c): many trials of one input, a step record per t.
///
/// A server validates by constructing it (errors are the client's), then calls `run`
/// on a worker thread with a cancellation check, streaming each record as it comes.
/// Construction only checks: the chains' buffers are made by `run` and released when it
/// returns, so a run waiting for its turn costs no more than its parameters.
public final class DynamicsRun {
    public let model: DynamicsModel
    public let input: DynamicsInput
    public let parameters: DynamicsParameters
    private let kernel: ChainKernel
    private let memory: MemoryBank?
    /// With `memory`, the steps whose records carry the nearest memories (nil: every step).
    private let memorySteps: Set<Int>?

    public init(model: DynamicsModel, input: DynamicsInput, parameters: DynamicsParameters,
                kernel: ChainKernel? = nil, memory: MemoryBank? = nil, memorySteps: Set<Int>? = nil) throws {
        try parameters.validate()
        try Self.check(input: input, model: model, parameters: parameters, memory: memory)
        self.model = model
        self.input = input
        self.parameters = parameters
        self.kernel = try kernel ?? parameters.makeKernel(pixels: model.architecture.inputSize)
        self.memory = memory
        self.memorySteps = memorySteps
    }

    /// Bytes the chains' buffers of a run of `trials` chains take while it runs: the
    /// workspace, x(t), and the binary form of the inputs (one Int32 per value at most);
    /// an imputation kernel's state (x(0), and z(t) and its logits for `mwg`); the stage
    /// call's bootstrap weights (`ResampledMinima`: a float per trial and resample). The
    /// per-trial distance tables (trials x references x 4 floats) and the per-step records
    /// come on top and are small.
    public static func workingSetBytes(architecture: Architecture, trials: Int, kernel: DynamicsParameters.Kernel = .gibbs) -> Int {
        let rows = trials, d = architecture.inputSize, float = MemoryLayout<Float>.stride
        let state = switch kernel {
        case .gibbs: 0
        case .clamped: rows * d * float
        case .mwg: rows * (2 * d + architecture.latentSize + 1) * float
        }
        return Workspace.bytes(architecture, capacity: rows) + rows * d * (float + MemoryLayout<Int32>.stride) + state
            + rows * ResampledMinima.resamples * float
    }

    static func check(input: DynamicsInput, model: DynamicsModel, parameters: DynamicsParameters, memory: MemoryBank?) throws {
        guard input.pixels.count == model.architecture.inputSize else {
            throw DynamicsError("the input has \(input.pixels.count) pixels; model '\(model.id)' takes \(model.architecture.inputSize)")
        }
        if let label = input.label, !(0..<model.bundle.description.classNames.count).contains(label) {
            throw DynamicsError("label \(label) is not a class of model '\(model.id)'")
        }
        if parameters.memory && memory == nil { throw DynamicsError("nearest training memories need the training set (no memory bank loaded)") }
        if parameters.projection && !model.hasProjection { throw DynamicsError("model '\(model.id)' has no projection axes") }
    }

    func startRecord(references: ReferenceSet, controls: ControlSet) -> StartRecord {
        StartRecord(model: model.id, experiment: "dynamics", kernel: kernel.name, hiddenPixels: (kernel as? ImputingKernel)?.mask.hiddenCount,
                    latentSize: model.architecture.latentSize,
                    parameters: parameters, inputs: [input.info], references: references.infos,
                    controls: controls.infos, controlUnits: model.controlUnits,
                    classReferences: references.classReferences.map { references.infos[$0].id },
                    classNames: model.bundle.description.classNames, levels: model.levels,
                    projectedReferences: parameters.projection ? projectedReferences(model: model, references: references) : nil)
    }

    /// Emits the start record, a step record for t = 0...T, then a summary (done: false if
    /// cancelled) or an error record. Returns the last record.
    @discardableResult
    public func run(isCancelled: () -> Bool = { false }, emit: (DynamicsRecord) -> Void) -> DynamicsRecord {
        let references = ReferenceSet(model: model, input: input)
        let trajectory = Trajectory(model: model, trials: parameters.trials, kernel: kernel, memory: memory, memorySteps: memorySteps)
        // One set of control points for the start record that lists them and the steps that measure them.
        let controls = ControlSet(references: references, units: model.controlUnits)
        emit(.start(startRecord(references: references, controls: controls)))
        let last: DynamicsRecord
        var lastStep: Int?
        do {
            let outcome = try trajectory.run(input: input, references: references, controls: controls, parameters: parameters, isCancelled: isCancelled) {
                lastStep = $0.t
                emit(.step($0))
            }
            var summary = SummaryRecord(model: model.id, done: !outcome.cancelled, completed: outcome.completed,
                                        minimum: outcome.minimum, minimumStep: outcome.minimumStep)
            summary.escape = outcome.escape
            if let ladder = StageLadder(model: model, references: references, label: input.label) {
                let s = ladder.call(outcome.minimum, resampled: outcome.resampled, trials: parameters.trials)
                summary.stage = s.stage
                summary.stageReference = references.infos[s.reference].id
                summary.stageLevel = s.level
                summary.stageSupport = s.support
                summary.stageDecided = s.decided
            }
            last = .summary(summary)
        } catch {
            last = .error(ErrorRecord(model: model.id, message: "\(error)", t: (lastStep ?? -1) + 1))
        }
        emit(last)
        return last
    }
}

func projectedReferences(model: DynamicsModel, references: ReferenceSet) -> [[Float]] {
    references.vectors.withUnsafeBufferPointer { v in
        (0..<references.count).map { model.project(v.baseAddress! + $0 * references.latentSize) }
    }
}
