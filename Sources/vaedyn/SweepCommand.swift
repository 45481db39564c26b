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

    /// The sweep, its output format and the SHA-256 of the model file the options describe.
    func prepared() throws -> (sweep: SweepRun, format: RecordWriter.Format, modelSHA256: String) {
        guard let format = RecordWriter.Format(rawValue: format) else { throw ValidationError("--format must be ndjson or csv") }
        guard let kind = NoiseModel.Kind(rawValue: noiseKind) else {
            throw ValidationError("--noise-kind must be one of \(NoiseModel.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (model, modelSHA256) = try input.loadModelFile()
        var parameters = try chain.parameters()
        parameters.noise = try NoiseModel(kind: kind, ratio: 0)
        let ratios = try reporting("--noise-grid") { try NoiseGrid.parse(noiseGrid) }
        let inputs: [DynamicsInput]
        if let population {
            guard !input.hasInput else { throw ValidationError("--population replaces --digit, --image and --test-index") }
            guard count > 0 else { throw ValidationError("--count must be positive") }
            let classes = model.bundle.description.classNames.count
            let labels: [Int]
            if population == "all" { labels = Array(0..<classes) } else if let l = Int(population), (0..<classes).contains(l) { labels = [l] } else {
                throw ValidationError("--population must be a class in 0...\(classes - 1) or 'all'")
            }
            inputs = try input.population(for: model, labels: labels, count: count)
        } else {
            inputs = [try input.input(for: model)]
        }
        let sweep = try reporting("sweep") { try SweepRun(model: model, inputs: inputs, ratios: ratios, parameters: parameters) }
        return (sweep, format, modelSHA256)
    }

    func run() throws {
        let (sweep, format, modelSHA256) = try prepared()
        if let shard = try sharding.selected() {
            try runShard(shard, sweep, modelSHA256: modelSHA256)
            return
        }
        let inputs = sweep.inputs, ratios = sweep.ratios
        let writer = RecordWriter(format: format)
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
    private func runShard(_ shard: Shard, _ sweep: SweepRun, modelSHA256: String) throws {
        let units = shard.units(of: sweep.inputs.count)
        let progress = Progress()
        progress.line("shard \(shard): inputs \(units.lowerBound)..<\(units.upperBound) of \(sweep.inputs.count)")
        var points = [[PointRecord]](repeating: [], count: units.count)
        let total = units.count * sweep.ratios.count
        let finished = try progress.phase("sweep: \(units.count) inputs x \(sweep.ratios.count) ratios", total: total) { report in
            try sweep.points(of: units, isCancelled: { Interrupt.shared.isRequested }, progress: report) { points[$0.input - units.lowerBound].append($0) }
        }
        guard finished else { throw ExitCode(130) }
        let file = ShardFile<CommandArguments, [PointRecord]>(
            header: .init(command: "sweep", settings: CommandArguments(),
                          inputSHA256: modelSHA256, shard: shard, units: sweep.inputs.count),
            lines: zip(units, points).map { .init(unit: $0, result: $1) })
        let url = try reporting("writing the shard") { try file.write(into: URL(fileURLWithPath: sharding.shardDir)) }
        progress.line("wrote \(url.path)")
    }
}
