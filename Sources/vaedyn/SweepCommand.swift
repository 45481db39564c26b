import Experiments
import ArgumentParser
import Dynamics
import Foundation
import VAE

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Minimum distances and stages over a grid of noise ratios (Fig 3), for one input or a population.",
        discussion: """
            One point record per input and ratio, then a summary with stage counts per ratio and each input's stage changes. \
            Sharded (--shard I/N, or inside an array job; docs/scaling.md), it runs its part of the inputs and writes \
            SHARD-DIR/sweep-shard-I-of-N.jsonl; `vaedyn merge` prints the records one unsharded run prints, the same bytes.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var chain: ChainOptions
    @Option(name: .customLong("noise-kind"), help: "replace, flip, salt-pepper or gaussian.") var noiseKind = DynamicsParameters().noise.kind.rawValue
    @Option(name: .customLong("noise-grid"), help: "Ratios FROM:TO:STEP.") var noiseGrid = "0:1:0.05"
    @Option(help: "Population instead of one input: a class, or 'all' for every class.") var population: String?
    @Option(help: "Inputs per class of the population (the first test images of the class).") var count = 10
    @Option(help: "ndjson or csv (point rows only).") var format = "ndjson"
    @OptionGroup var sharding: ShardOptions

    /// The sweep these options describe.
    func job() throws -> SweepJob {
        guard let format = RecordWriter.Format(rawValue: format) else { throw ValidationError("--format must be ndjson or csv") }
        guard let kind = NoiseModel.Kind(rawValue: noiseKind) else {
            throw ValidationError("--noise-kind must be one of \(NoiseModel.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var parameters = try chain.parameters()
        parameters.noise = try NoiseModel(kind: kind, ratio: 0)
        var choice = input.choice
        if let population {
            guard !input.hasInput else { throw ValidationError("--population replaces --digit, --image and --test-index") }
            guard count > 0 else { throw ValidationError("--count must be positive") }
            if population == "all" {
                choice = .population(labels: nil, count: count)
            } else if let l = Int(population), l >= 0 {
                choice = .population(labels: [l], count: count)
            } else {
                throw ValidationError("--population must be a class or 'all'")
            }
        }
        return try SweepJob(settings: .init(input: input.source(choice), parameters: parameters, noiseGrid: noiseGrid, format: format))
    }

    func run() throws {
        let job = try job(), sweep = job.sweep
        if let shard = try sharding.selected() {
            try runShard(shard, job)
            return
        }
        let inputs = sweep.inputs, ratios = sweep.ratios
        let writer = RecordWriter(format: job.settings.format, to: FileHandle.standardOutput.write)
        let progress = Progress()
        let total = inputs.count * ratios.count, started = Date()
        let last = sweep.run(isCancelled: { Interrupt.shared.isRequested }, progress: { done in
            let rate = Double(done) / max(Date().timeIntervalSince(started), 1e-9)
            progress.update("point \(done)/\(total)  ETA \(formatDuration(Double(total - done) / rate))", fraction: Double(done) / Double(total))
        }, emit: writer.write)
        switch last {
        case .error(let e): throw CLIError("sweep failed: \(e.message)")
        case .summary(let s):
            progress.line(String(format: "%d points in %.1f s%@", s.completed, Date().timeIntervalSince(started), s.done ? "" : "; cancelled"))
            if !s.done { throw ExitCode(130) }
        default: break
        }
    }

    /// This shard's inputs' points, one line per input, into its shard file.
    private func runShard(_ shard: Shard, _ job: SweepJob) throws {
        let sweep = job.sweep, units = shard.units(of: sweep.inputs.count)
        let progress = Progress()
        progress.line("shard \(shard): inputs \(units.lowerBound)..<\(units.upperBound) of \(sweep.inputs.count)")
        var points = [[PointRecord]](repeating: [], count: units.count)
        let total = units.count * sweep.ratios.count
        let finished = try progress.phase("sweep: \(units.count) inputs x \(sweep.ratios.count) ratios", total: total) { report in
            try sweep.points(of: units, isCancelled: { Interrupt.shared.isRequested }, progress: report) { points[$0.input - units.lowerBound].append($0) }
        }
        guard finished else { throw ExitCode(130) }
        let url = try job.writeShard(shard, units: units, results: points, into: URL(fileURLWithPath: sharding.shardDir))
        progress.line("wrote \(url.path)")
    }
}
