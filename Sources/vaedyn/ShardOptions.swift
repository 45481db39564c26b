import Experiments
import ArgumentParser
import Foundation

/// `--shard I/N` and where a shard's file goes; without the flag, the array-job engines'
/// variables decide (`Shard.fromEnvironment`).
struct ShardOptions: ParsableArguments {
    @Option(help: "Run shard I of N (zero-based), e.g. 0/3 (default: from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or BATCH_TASK_INDEX when set).")
    var shard: String?
    @Option(name: .customLong("shard-dir"), help: "Folder for a shard's results file.") var shardDir = "shards"

    func selected() throws -> Shard? {
        try shard.map(Shard.init(parsing:)) ?? Shard.fromEnvironment()
    }

    /// This process's arguments after the subcommand, without --shard and --shard-dir:
    /// what every shard of one run shares.
    static func unshardedArguments(_ arguments: [String] = CommandLine.arguments) -> [String] {
        var out: [String] = [], skip = false
        for a in arguments.dropFirst(2) {
            if skip { skip = false; continue }
            if a == "--shard" || a == "--shard-dir" { skip = true; continue }
            if a.hasPrefix("--shard=") || a.hasPrefix("--shard-dir=") { continue }
            out.append(a)
        }
        return out
    }
}
