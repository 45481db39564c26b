import Experiments
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
            its figures. Sharded (--shard I/N, or inside an array job; docs/scaling.md), it runs its part of the batches of \
            images and stage inputs and writes SHARD-DIR/impute-shard-I-of-N.jsonl; `vaedyn merge` writes the results file.
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
    @OptionGroup var sharding: ShardOptions

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

    /// The run these options describe, whole.
    func plan() throws -> ImputationPlan {
        try ImputationPlan(settings: ImputationRunSettings(
            model: model, data: data, masks: masks.split(separator: ",").map(String.init), kernels: try kernelList(), fractions: fractions,
            stageKernel: try stageKernelValue(), results: results, shared: settings))
    }

    func run() throws {
        if report {
            let records = try reporting(results) { try ResultsFile.read(ImputationRecord.self, results) }
            let text = try ImputationReport(records: records, results: results).markdown()
            try reporting(out) { try text.write(toFile: out, atomically: true, encoding: .utf8) }
            Log.logger.info("wrote \(out) from \(records.count) lines of \(results)")
            return
        }
        let plan = try plan()
        if let shard = try sharding.selected() { return try runShard(shard, plan) }
        let done = try reporting(results) { try ResultsFile.read(ImputationRecord.self, results) }
        if let other = done.first(where: { $0.settings != settings || $0.model != plan.model.id }) {
            throw CLIError("\(results) holds lines of model '\(other.model)' with other settings; give another --results")
        }
        let interrupt = Interrupt.shared
        let progress = Progress()
        for (c, curve) in plan.curves.enumerated()
        where !done.contains(where: { $0.curve?.mask == curve.mask.description && $0.kernel == curve.kernel.rawValue }) {
            let t0 = Date()
            let batches = try progress.phase("\(curve.mask), \(curve.kernel.rawValue): \(plan.pictures.count) images x \(trials) chains x \(steps) steps",
                                             total: plan.pictures.count) { report in
                // Batches of the curve's images, in order: k of them cover the first min(k x batch, images).
                try plan.run(plan.units(ofCurve: c), isCancelled: { interrupt.isRequested }) { report(min($0 * curve.batchImages, plan.pictures.count)) }
            }
            let record = plan.curveRecord(c, batches.results, seconds: Date().timeIntervalSince(t0))
            try reporting("appending to \(results)") { try ResultsFile.append(record, to: results) }
        }
        if !done.contains(where: { $0.stages != nil }) {
            let t0 = Date()
            let units = plan.stageUnits
            let stages = try progress.phase("stages: \(plan.population.count) inputs x \(plan.fractions.count) fractions", total: units.count) { report in
                try plan.run(units, isCancelled: { interrupt.isRequested }, done: report)
            }
            let record = plan.stageRecord(stages.results, seconds: Date().timeIntervalSince(t0))
            try reporting("appending to \(results)") { try ResultsFile.append(record, to: results) }
        }
        progress.line("\(results) is complete; vaedyn impute --report --results \(results) writes its report")
    }

    /// This shard's units (cut by their chain-steps), one line each, into its shard file; their seconds beside it.
    private func runShard(_ shard: Shard, _ plan: ImputationPlan) throws {
        let range = shard.units(weights: plan.weights)
        let progress = Progress()
        let curveUnits = range.filter { plan.units[$0].curve != nil }.count
        let (results, seconds) = try progress.phase("shard \(shard): units \(range.lowerBound)..<\(range.upperBound) of \(plan.units.count) "
                                                    + "(\(curveUnits) batches of curves, \(range.count - curveUnits) stage inputs)", total: range.count) { report in
            try plan.run(range, isCancelled: { Interrupt.shared.isRequested }, done: report)
        }
        let url = try plan.writeShard(shard, units: range, results: results, timings: seconds, into: URL(fileURLWithPath: sharding.shardDir))
        progress.line("wrote \(url.path)")
    }

    func stageKernelValue() throws -> DynamicsParameters.Kernel {
        guard let k = DynamicsParameters.Kernel(rawValue: stageKernel), k != .gibbs else { throw ValidationError("--stage-kernel is clamped or mwg") }
        return k
    }
}
