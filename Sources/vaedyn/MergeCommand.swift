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
        let output = try ShardedRuns.merge(urls) { Log.logger.warning("\($0)") }
        switch output {
        case let .file(defaultPath, contents, replaces, summary):
            let out = out ?? defaultPath
            if replaces {
                try reporting("writing \(out)") { try contents.write(to: URL(fileURLWithPath: out), options: .atomic) }
            } else {
                try reporting("writing \(out)") { try ResultsFile.create(contents, at: out) }
            }
            print("merged \(urls.count) shards of \(summary) into \(out)")
        case let .standardOutput(contents, summary):
            if let out {
                try reporting("writing \(out)") { try contents.write(to: URL(fileURLWithPath: out), options: .atomic) }
            } else {
                FileHandle.standardOutput.write(contents)
            }
            Log.logger.info("merged \(urls.count) shards of \(summary)")
        }
    }
}
