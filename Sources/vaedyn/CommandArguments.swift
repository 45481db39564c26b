import Experiments
import ArgumentParser

/// A sharded command's settings in its shard files: its command line without the shard
/// options, parsed again by `vaedyn merge` to rebuild the run's plan (relative paths are
/// taken from where merge runs).
struct CommandArguments: Codable, Equatable {
    var arguments: [String]

    init(arguments: [String] = ShardOptions.unshardedArguments()) {
        self.arguments = arguments
    }

    func parse<Command: ParsableCommand>(_ type: Command.Type) throws -> Command {
        try reporting("the shards' \(Command.configuration.commandName ?? "command") options") { try Command.parse(arguments) }
    }
}
