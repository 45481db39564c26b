import Dynamics
import Foundation
import VAE

/// `vaedyn reproduce`'s settings: everything its report depends on, and what a shard
/// file's header carries so that `vaedyn merge` can rebuild the run.
public struct ReproductionSettings: Codable, Equatable {
    public var model: String
    public var perClass: Int
    public var seed: UInt64
    public var noise: Float
    public var trials: Int, steps: Int
    public var sweepTrials: Int, sweepSteps: Int, earlyWindow: Int
    public var grid: String
    public var tree: String?
    /// Folder with the training IDX files of the model's dataset: with it, the Fig 2b runs
    /// measure the distance to the nearest training memory ("then moves close to a memory").
    public var memories: String?

    public init(model: String, perClass: Int, seed: UInt64, noise: Float, trials: Int, steps: Int, sweepTrials: Int, sweepSteps: Int, earlyWindow: Int, grid: String,
                tree: String? = nil, memories: String? = nil) {
        self.model = model
        self.perClass = perClass
        self.seed = seed
        self.noise = noise
        self.trials = trials
        self.steps = steps
        self.sweepTrials = sweepTrials
        self.sweepSteps = sweepSteps
        self.earlyWindow = earlyWindow
        self.grid = grid
        self.tree = tree
        self.memories = memories
    }
}

/// What the chains give for one input: its Fig 2b reductions under both x draws and on
/// sampled z, and its stages along the grid in the four Fig 3 variants. The unit a shard
/// computes; the report is built from these alone, whether one process made them all.
public struct InputReproduction: Codable {
    /// One value for each way x(t+1) is drawn (a sample, or the mean image).
    public struct ByDraw<Value: Codable>: Codable {
        public var sample: Value
        public var mean: Value

        public init(_ value: (DynamicsParameters.Draw) throws -> Value) rethrows {
            sample = try value(.sample)
            mean = try value(.mean)
        }

        public subscript(draw: DynamicsParameters.Draw) -> Value {
            switch draw {
            case .sample: sample
            case .mean: mean
            }
        }
    }

    /// Fig 2b: distances along the chain, measured on mu(t).
    public var dynamics: ByDraw<PopulationDynamics.InputResult>
    /// Fig 2b measured on the sampled z(t) (x sampled).
    public var sampledLatent: PopulationDynamics.InputResult
    /// Fig 3: the stage at each noise ratio, over the whole run and over its first steps.
    public var sweep: ByDraw<[PopulationSweep.Call]>
    public var early: ByDraw<[PopulationSweep.Call]>
    /// Fig 3 on the trial-averaged state (x sampled).
    public var averaged: [PopulationSweep.Call]
    /// The distance from the clean input's code to its nearest training memory (with the memories).
    public var cleanMemoryDistance: Float?
}

/// The reproduction's model, inputs and chains: the runs of any range of inputs, and the
/// report over all of them.
public struct Reproduction: ShardedRun {
    public static let command = "reproduce"
    public let settings: ReproductionSettings
    public let bundle: ModelBundle
    public let modelSHA256: String
    public let model: DynamicsModel
    public let inputs: [DynamicsInput]
    public let ratios: [Float]

    public init(settings: ReproductionSettings) throws {
        self.settings = settings
        let file = try ModelFile(settings.model)
        var bundle = file.bundle
        if let tree = settings.tree { try TreeChoice(parsing: tree).apply(to: &bundle) }
        self.bundle = bundle
        modelSHA256 = file.sha256
        model = try reporting(settings.model) { try DynamicsModel(bundle: bundle) }
        let classes = Array(0..<bundle.description.classNames.count)
        let model = model
        inputs = try reporting("inputs") { try DynamicsInput.exemplars(of: model, labels: classes, perClass: settings.perClass) }
        ratios = try reporting("--grid") { try NoiseGrid.parse(settings.grid) }
        guard settings.earlyWindow >= 1, settings.earlyWindow < settings.sweepSteps else { throw ExperimentError("--early-window must be in 1..<--sweep-steps") }
    }

    /// The memory bank of the training images in `folder`, refused where the model records
    /// other training files than these (another dataset's memories would measure nothing).
    static func memoryBank(folder: String, model: DynamicsModel) throws -> MemoryBank {
        let url = URL(fileURLWithPath: folder)
        let name = "train-images-idx3-ubyte"
        if let recorded = model.bundle.description.training?.dataSHA256[name] {
            let found = try reporting("--memories \(folder)") { SHA256.hex(try Data(contentsOf: url.appendingPathComponent(name))) }
            guard found == recorded else {
                throw ExperimentError("--memories \(folder): \(name) is not the file the model was trained on (SHA-256 \(found.prefix(12))..., the model records \(recorded.prefix(12))...)")
            }
        }
        let train = try reporting("--memories \(folder)") { try ImageSet(folder: url, prefix: "train") }
        guard train.pixelsPerImage == model.architecture.inputSize else {
            throw ExperimentError("--memories \(folder): images of \(train.pixelsPerImage) pixels for a model of \(model.architecture.inputSize)")
        }
        return MemoryBank(model: model, train: train)
    }

    public var inputSHA256: String { modelSHA256 }
    public var inputName: String { settings.model }
    /// Units: the inputs.
    public var unitCount: Int { inputs.count }

    public func merged(_ results: [InputReproduction], timings: [NoTiming]?) throws -> MergedOutput {
        .file(defaultPath: defaultReport, contents: Data(try report(results).markdown().utf8), replaces: true, summary: "\(results.count) inputs")
    }

    /// docs/reproduction/MODEL-ID.md, with -TREE-SOURCE when a tree is given.
    public var defaultReport: String {
        "docs/reproduction/\(bundle.description.id)\(settings.tree.map { "-" + $0.prefix { $0 != ":" } } ?? "").md"
    }

    private func parameters(_ image: DynamicsParameters.Draw, steps: Int, trials: Int) throws -> DynamicsParameters {
        var p = DynamicsParameters()
        p.seed = settings.seed
        p.steps = steps
        p.trials = trials
        p.image = image
        p.noise = try NoiseModel(kind: .replace, ratio: settings.noise)
        return p
    }

    /// The chains of the inputs in `units`: every phase over those inputs in turn.
    public func run(_ units: Range<Int>, progress: ExperimentProgress, isCancelled: @escaping () -> Bool) throws -> [InputReproduction] {
        let s = settings, inputs = Array(inputs[units]), n = inputs.count
        // Built where the chains run, not in init: a merge or a report from shards needs no
        // training images, nor the seconds of encoding them.
        let memory = try s.memories.map { try Self.memoryBank(folder: $0, model: model) }
        func dynamics(_ p: DynamicsParameters, _ title: String) throws -> [PopulationDynamics.InputResult] {
            try progress.phase("\(title): \(n) inputs x \(p.trials) trials x \(p.steps) steps", total: n) {
                try PopulationDynamics(model: model, inputs: inputs, parameters: p, memory: p.measure == .sample ? nil : memory, isCancelled: isCancelled, progress: $0)
            }.inputs
        }
        func sweep(_ p: DynamicsParameters, _ title: String) throws -> [[PopulationSweep.Call]] {
            try progress.phase("\(title): \(n) inputs x \(ratios.count) ratios", total: n * ratios.count) {
                try PopulationSweep(model: model, inputs: inputs, ratios: ratios, parameters: p, isCancelled: isCancelled, progress: $0)
            }.calls
        }
        var byDraw: [DynamicsParameters.Draw: (dynamics: [PopulationDynamics.InputResult], sweep: [[PopulationSweep.Call]],
                                               early: [[PopulationSweep.Call]])] = [:]
        for image in DynamicsParameters.Draw.allCases {
            byDraw[image] = (try dynamics(parameters(image, steps: s.steps, trials: s.trials), "Fig 2b, x \(image)"),
                             try sweep(parameters(image, steps: s.sweepSteps, trials: s.sweepTrials), "Fig 3, x \(image)"),
                             try sweep(parameters(image, steps: s.earlyWindow, trials: s.sweepTrials), "Fig 3 over steps 0...\(s.earlyWindow), x \(image)"))
        }
        var averagedParameters = try parameters(.sample, steps: s.sweepSteps, trials: s.sweepTrials)
        averagedParameters.aggregation = .state
        let averaged = try sweep(averagedParameters, "Fig 3 on the trial-averaged state, x sample")
        var sampled = try parameters(.sample, steps: s.steps, trials: s.trials)
        sampled.measure = .sample
        let sampledLatent = try dynamics(sampled, "Fig 2b measured on sampled z")
        let clean = memory.map { bank in
            let codes = CleanGeometry(model: model, inputs: inputs).codes, z = bank.latentSize
            return (0..<n).map { k in bank.nearestDistance(of: Array(codes[k * z ..< (k + 1) * z])).mean }
        }
        return (0..<n).map { k in
            InputReproduction(dynamics: .init { byDraw[$0]!.dynamics[k] }, sampledLatent: sampledLatent[k],
                              sweep: .init { byDraw[$0]!.sweep[k] }, early: .init { byDraw[$0]!.early[k] }, averaged: averaged[k],
                              cleanMemoryDistance: clean?[k])
        }
    }

    /// The report over every input's results, in input order.
    public func report(_ results: [InputReproduction]) throws -> ReproductionReport {
        guard results.count == inputs.count else { throw ExperimentError("\(results.count) inputs' results for a run of \(inputs.count) inputs") }
        let s = settings
        func sweep(_ calls: [[PopulationSweep.Call]]) -> PopulationSweep { PopulationSweep(ratios: ratios, levels: model.levels, calls: calls) }
        var report = ReproductionReport(model: bundle, labels: inputs.map { $0.label! }, settings: s, ratios: ratios)
        report.ancestorStages = inputs.map { input in
            StageLadder(model: model, references: ReferenceSet(model: model, input: input), label: input.label)!.rungLevels.map { $0 + 1 }
        }
        for image in DynamicsParameters.Draw.allCases {
            report.dynamics[image] = PopulationDynamics(inputs: results.map { $0.dynamics[image] }, steps: s.steps)
            report.sweeps[image] = sweep(results.map { $0.sweep[image] })
            report.earlySweeps[image] = sweep(results.map { $0.early[image] })
        }
        report.averagedSweep = sweep(results.map(\.averaged))
        report.sampledLatent = PopulationDynamics(inputs: results.map(\.sampledLatent), steps: s.steps)
        report.posterior = PosteriorSpread(model: model, inputs: inputs)
        report.geometry = CleanGeometry(model: model, inputs: inputs)
        // The chain's own mix at the Fig 2b horizon, from 1,000 of the model's samples: what
        // retention is measured against.
        report.restingMix = try RestingMix(model: model, chains: 1000, steps: s.steps, seed: s.seed)
        let clean = results.compactMap(\.cleanMemoryDistance)
        if clean.count == results.count, !clean.isEmpty { report.cleanMemoryDistance = clean.reduce(0, +) / Float(clean.count) }
        return report
    }
}
