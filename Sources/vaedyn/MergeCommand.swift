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
            let (header, results) = try ShardFile<ReproductionSettings, InputReproduction>.merge(urls)
            let reproduction = try Reproduction(header.settings)
            try ModelFile.require(header.settings.model, sha256: reproduction.modelSHA256, ranOn: header.modelSHA256)
            let out = out ?? reproduction.defaultReport
            let report = try reproduction.report(results)
            try reporting("writing \(out)") { try Data(report.markdown().utf8).write(to: URL(fileURLWithPath: out)) }
            print("merged \(urls.count) shards of \(header.units) inputs into \(out)")
        case "sweep":
            let (header, results) = try ShardFile<SweepSettings, [PointRecord]>.merge(urls)
            let command = try reporting("the shards' sweep options") { try SweepCommand.parse(header.settings.arguments) }
            let (sweep, format, modelSHA256) = try command.prepared()
            try ModelFile.require(command.input.model, sha256: modelSHA256, ranOn: header.modelSHA256)
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
        default:
            throw CLIError("\(files[0]) is a shard of `vaedyn \(kind.command)`, which this build cannot merge")
        }
    }
}
