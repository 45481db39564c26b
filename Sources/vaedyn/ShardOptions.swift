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
}
