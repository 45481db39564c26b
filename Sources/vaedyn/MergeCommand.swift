import Experiments
import ArgumentParser
import Foundation
import Dynamics
import VAE

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shard files of a sharded population run into what one unsharded run writes.",
        discussion: """
            The files must be every shard of one run: the same command, settings, model file (by SHA-256) and number of \
            shards, each index once. The model file is read again from the path the run was given, and must be the same bytes.
            """)

    @Argument(help: "The shard files (COMMAND-shard-I-of-N.jsonl).") var files: [String]
    @Option(help: "Output file (default: where the unsharded command writes).") var out: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give the shard files") }
    }

    func run() throws {
        let urls = files.map { URL(fileURLWithPath: $0) }
        let kind = try ShardFileKind(contentsOf: urls[0])
        switch kind.command {
        case "reproduce":
            let (header, results, _) = try ShardFile<ReproductionSettings, InputReproduction>.merge(urls)
            let reproduction = try Reproduction(header.settings)
            try ModelFile.require(header.settings.model, sha256: reproduction.modelSHA256, ranOn: header.inputSHA256)
            let out = out ?? reproduction.defaultReport
            let report = try reproduction.report(results)
            try reporting("writing \(out)") { try Data(report.markdown().utf8).write(to: URL(fileURLWithPath: out)) }
            print("merged \(urls.count) shards of \(header.units) inputs into \(out)")
        case "sweep":
            let (header, results, _) = try ShardFile<CommandArguments, [PointRecord]>.merge(urls)
            let command = try header.settings.parse(SweepCommand.self)
            let (sweep, format, modelSHA256) = try command.prepared()
            try ModelFile.require(command.input.model, sha256: modelSHA256, ranOn: header.inputSHA256)
            guard results.count == sweep.inputs.count else { throw CLIError("\(results.count) inputs' points for a sweep of \(sweep.inputs.count)") }
            let points = results.flatMap { $0 }
            let handle: FileHandle
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: nil) else { throw CLIError("cannot write \(out)") }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            } else {
                handle = .standardOutput
            }
            // The records one unsharded `vaedyn sweep` prints: start, every point in order, summary.
            let writer = RecordWriter(format: format, to: handle)
            writer.write(.start(sweep.startRecord))
            points.forEach { writer.write(.point($0)) }
            writer.write(.summary(sweep.summary(of: points)))
            if out != nil { try handle.close() }
            Log.logger.info("merged \(urls.count) shards of \(header.units) inputs (\(points.count) points)")
        case "impute":
            let (header, results, ordered) = try ShardFile<CommandArguments, ImputationPlan.Result>.merge(urls)
            let command = try header.settings.parse(ImputeCommand.self)
            let (plan, modelSHA256) = try command.plan()
            try ModelFile.require(command.model, sha256: modelSHA256, ranOn: header.inputSHA256)
            guard results.count == plan.units.count else { throw CLIError("\(results.count) units' results for a run of \(plan.units.count)") }
            let out = out ?? command.results
            try reporting("writing \(out)") { try ResultsFile.create(plan.records(results, seconds: timings(beside: ordered, units: results.count, missing: 0)), at: out) }
            print("merged \(urls.count) shards of \(header.units) units into \(out)")
        case "study":
            let (header, results, ordered) = try ShardFile<StudyShardSettings, [StudyRecord]>.merge(urls)
            let command = try header.settings.command.parse(StudyCommand.self)
            let runs = try command.grid.runs.count
            guard results.count == runs else { throw CLIError("\(results.count) runs' results for a study of \(runs)") }
            var records = results.flatMap { $0 }
            let seconds = timings(beside: ordered, units: runs, missing: [StudySeconds]()).flatMap { $0 }
            for k in records.indices { records[k].seconds = k < seconds.count ? seconds[k] : StudySeconds(training: 0, measuring: 0) }
            let out = out ?? command.results
            try reporting("writing \(out)") { try ResultsFile.create(records, at: out) }
            print("merged \(urls.count) shards of \(runs) runs (\(records.count) checkpoints) into \(out)")
        default:
            throw CLIError("\(files[0]) is a shard of `vaedyn \(kind.command)`, which this build cannot merge")
        }
    }

    /// The units' seconds from beside their shard files; where some are missing, `missing`
    /// for every unit, with a warning (the results are whole without them).
    private func timings<Timing: Codable>(beside ordered: [URL], units: Int, missing: Timing) -> [Timing] {
        if let timings = ShardTimings<Timing>.read(beside: ordered, units: units) { return timings }
        Log.logger.warning("some shards' .seconds.json files are missing or do not match them: the results' seconds are 0")
        return [Timing](repeating: missing, count: units)
    }
}
