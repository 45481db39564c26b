import ArgumentParser
import Dynamics
import Foundation
import VAE

struct ImputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impute",
        abstract: "Imputation at population level: pseudo-Gibbs against exact Metropolis-within-Gibbs, and the stage reached against the fraction hidden; or its report.",
        discussion: """
            For each mask and kernel, every one of the first --images test images runs --trials chains with that mask \
            for steps 0...--steps, and one JSON line with the scores at every step is appended to --results. Then the \
            inputs of Fig 3 (--per-class test images of each class) run with random masks hiding each fraction of \
            --fractions, and a line gives the stage each reaches. Resumable: rerun the same command and it skips the \
            lines already there. --report writes docs/imputation.md from --results alone; scripts/plot-imputation draws \
            its figures.
            """)

    @Option(help: "Model file (.vaem).") var model = "models/mnist-default.vaem"
    @Option(help: "Folder with the MNIST IDX files.") var data = "data/mnist"
    @Option(help: "The first N test images are imputed.") var images = 1000
    @Option(help: "Masks, comma-separated (docs/records.md: mask).") var masks = "top-half,bottom-half,random:0.5,random:0.8"
    @Option(help: "Kernels compared: clamped (pseudo-Gibbs) and mwg (Metropolis-within-Gibbs).") var kernels = "clamped,mwg"
    @Option(help: "Chains per image.") var trials = 10
    @Option(help: "Steps T of each chain (scores at t = 0...T).") var steps = 100
    @Option(name: .customLong("per-class"), help: "Stage inputs: the first N test images of each class.") var perClass = 10
    @Option(help: "Fractions hidden for the stages, FROM:TO:STEP (random masks).") var fractions = "0.1:0.9:0.1"
    @Option(name: .customLong("stage-kernel"), help: "The kernel of the stage runs.") var stageKernel = "mwg"
    @Option(name: .customLong("stage-trials"), help: "Chains of each stage run.") var stageTrials = 30
    @Option(name: .customLong("stage-steps"), help: "Steps of each stage run (the minimum is over 0...steps).") var stageSteps = 30
    @Option(help: "Seed of every chain and of the random masks.") var seed: UInt64 = 1
    @Option(help: "Results file (JSON Lines).") var results = "docs/imputation/results.jsonl"
    @Flag(help: "Write the report (--out) from --results instead of running.") var report = false
    @Option(help: "The report's Markdown file.") var out = "docs/imputation.md"

    func validate() throws {
        guard images > 0, trials > 0, steps > 0, perClass > 0, stageTrials > 0, stageSteps > 0 else {
            throw ValidationError("images, trials, steps and inputs must be positive")
        }
    }

    var settings: ImputationSettings {
        ImputationSettings(images: images, trials: trials, steps: steps, perClass: perClass, stageTrials: stageTrials, stageSteps: stageSteps, seed: seed)
    }

    func kernelList() throws -> [DynamicsParameters.Kernel] {
        try kernels.split(separator: ",").map { name in
            guard let k = DynamicsParameters.Kernel(rawValue: String(name)), k != .gibbs else {
                throw ValidationError("--kernels takes clamped and mwg, got '\(name)'")
            }
            return k
        }
    }

    func fractionList() throws -> [Float] {
        try reporting("--fractions") { try NoiseGrid.parse(fractions).filter { $0 > 0 } }
    }

    func run() throws {
        if report {
            let records = try reporting(results) { try ResultsFile.read(ImputationRecord.self, results) }
            let text = try ImputationReport(records: records, results: results).markdown()
            try reporting(out) { try text.write(toFile: out, atomically: true, encoding: .utf8) }
            Log.logger.info("wrote \(out) from \(records.count) lines of \(results)")
            return
        }
        try Shard.refuseArrayJob("impute")
        let inputs = try InputOptions.parse(["--model", model, "--data", data])
        let dynamicsModel = try inputs.loadModel()
        let kernelList = try kernelList(), fractionList = try fractionList(), stage = try stageKernelValue()
        let masks = try self.masks.split(separator: ",").map { text in
            try reporting("--masks") { try ImputationMask(.named(String(text)), pixels: dynamicsModel.architecture.inputSize) }
        }
        let done = try reporting(results) { try ResultsFile.read(ImputationRecord.self, results) }
        if let other = done.first(where: { $0.settings != settings || $0.model != dynamicsModel.id }) {
            throw CLIError("\(results) holds lines of model '\(other.model)' with other settings; give another --results")
        }
        let test = try inputs.testSet()
        let interrupt = Interrupt.shared
        let progress = Progress()
        let pictures = (0..<min(images, test.count)).map { Array(test.pixels[($0 * 784)..<(($0 + 1) * 784)]) }
        for mask in masks {
            for kernel in kernelList where !done.contains(where: { $0.kind == .curve && $0.mask == mask.description && $0.kernel == kernel.rawValue }) {
                let t0 = Date()
                let experiment = try ImputationExperiment(model: dynamicsModel, mask: mask, kernel: kernel, trials: trials, steps: steps, seed: seed)
                let scores = try progress.phase("\(mask), \(kernel.rawValue): \(pictures.count) images x \(trials) chains x \(steps) steps",
                                                total: pictures.count) { report in
                    try experiment.run(images: pictures, isCancelled: { interrupt.isRequested }, progress: report)
                }
                let record = ImputationRecord(kind: .curve, model: dynamicsModel.id, kernel: kernel.rawValue, settings: settings,
                                              seconds: Date().timeIntervalSince(t0), mask: mask.description, hiddenPixels: mask.hiddenCount, scores: scores)
                try reporting("appending to \(results)") { try ResultsFile.append(record, to: results) }
            }
        }
        if !done.contains(where: { $0.kind == .stages }) {
            let record = try stages(model: dynamicsModel, inputs: inputs, kernel: stage, fractions: fractionList, progress: progress, interrupt: interrupt)
            try reporting("appending to \(results)") { try ResultsFile.append(record, to: results) }
        }
        progress.line("\(results) is complete; vaedyn impute --report --results \(results) writes its report")
    }

    func stageKernelValue() throws -> DynamicsParameters.Kernel {
        guard let k = DynamicsParameters.Kernel(rawValue: stageKernel), k != .gibbs else { throw ValidationError("--stage-kernel is clamped or mwg") }
        return k
    }

    /// The Fig 3 analogue: each input's stage (its minimum distances over the run) under a
    /// random mask hiding each fraction, no noise.
    func stages(model: DynamicsModel, inputs: InputOptions, kernel: DynamicsParameters.Kernel, fractions: [Float], progress: Progress,
                interrupt: Interrupt) throws -> ImputationRecord {
        let t0 = Date()
        let population = try inputs.population(for: model, labels: Array(model.bundle.description.classNames.indices), count: perClass)
        var p = DynamicsParameters()
        p.kernel = kernel
        p.trials = stageTrials
        p.steps = stageSteps
        p.seed = seed
        p.noise = try NoiseModel(kind: .replace, ratio: 0)
        var stages = [[Int?]](repeating: [], count: population.count)
        try progress.phase("stages: \(population.count) inputs x \(fractions.count) fractions", total: population.count * fractions.count) { report in
            for (k, fraction) in fractions.enumerated() {
                p.mask = .named("random:\(fraction):\(seed)")
                for (i, input) in population.enumerated() {
                    guard !interrupt.isRequested else { throw ExitCode(130) }
                    var stage: Int?
                    let last = try DynamicsRun(model: model, input: input, parameters: p).run { _ in }
                    if case .summary(let s) = last { stage = s.stage } else { throw CLIError("the stage run of input \(i) failed: \(last)") }
                    stages[i].append(stage)
                    report(k * population.count + i + 1)
                }
            }
        }
        let sweep = PopulationSweep(ratios: fractions, levels: model.levels, stages: stages)
        return ImputationRecord(kind: .stages, model: model.id, kernel: kernel.rawValue, settings: settings, seconds: Date().timeIntervalSince(t0),
                                fractions: fractions, levels: sweep.levels, stageCounts: sweep.stageCounts, stages: stages)
    }
}
