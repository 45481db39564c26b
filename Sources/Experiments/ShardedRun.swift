import Foundation

/// A population run that can be cut into shards and merged again (docs/scaling.md): its
/// command's name, its typed settings (what a shard file's header carries, so that merge
/// can rebuild the run), its units and what one unsharded run writes from their results.
/// `vaedyn merge` is `ShardedRuns.merge`, over the conforming types listed there, so a
/// command whose settings or results do not fit fails to compile rather than to merge.
public protocol ShardedRun {
    associatedtype Settings: Codable & Equatable
    associatedtype UnitResult: Codable
    /// What a unit's seconds are kept as beside its shard file (`ShardTimings`), for runs
    /// whose output records them; `NoTiming` for the others.
    associatedtype Timing: Codable

    /// `vaedyn COMMAND`, and the shard files' COMMAND-shard-I-of-N.jsonl.
    static var command: String { get }
    /// The run the settings describe, whole (it reads the files they name).
    init(settings: Settings) throws
    var settings: Settings { get }
    /// The SHA-256 of what the run read (its model file, or a study's data files), and a
    /// name for it in a refusal.
    var inputSHA256: String { get }
    var inputName: String { get }
    /// Units of the whole run; a shard holds a contiguous range of them.
    var unitCount: Int { get }
    /// What the unsharded run writes, from every unit's result in order, and their seconds
    /// where every shard left them.
    func merged(_ results: [UnitResult], timings: [Timing]?) throws -> MergedOutput
}

/// For runs whose output records no seconds.
public struct NoTiming: Codable {}

/// What a merge writes.
public enum MergedOutput {
    /// A file the unsharded run writes (a report, a results file), at `defaultPath` unless
    /// told otherwise. A results file, which may stand for hours of measuring, is never
    /// written over (`replaces` false); a report is.
    case file(defaultPath: String, contents: Data, replaces: Bool, summary: String)
    /// Records the unsharded run prints on its standard output.
    case standardOutput(Data, summary: String)
}

extension ShardedRun {
    /// Writes this run's shard `shard`: one line per unit of `units`, with `results` in
    /// order, and their seconds beside it when given.
    public func writeShard(_ shard: Shard, units: Range<Int>, results: [UnitResult], timings: [Timing]? = nil, into directory: URL) throws -> URL {
        precondition(results.count == units.count, "a result per unit")
        let file = ShardFile<Settings, UnitResult>(
            header: .init(command: Self.command, settings: settings, inputSHA256: inputSHA256, shard: shard, units: unitCount),
            lines: zip(units, results).map { .init(unit: $0, result: $1) })
        let url = try reporting("writing the shard") { try file.write(into: directory) }
        if let timings { try reporting("writing the shard's seconds") { try ShardTimings<Timing>.write(timings, beside: url) } }
        return url
    }

    /// The shard files of one run of this command merged into what its unsharded run writes;
    /// `warn` hears of missing seconds.
    public static func merge(_ urls: [URL], warn: (String) -> Void) throws -> MergedOutput {
        let (header, results, ordered) = try ShardFile<Settings, UnitResult>.merge(urls)
        let run = try Self(settings: header.settings)
        guard run.inputSHA256 == header.inputSHA256 else {
            throw ExperimentError("\(run.inputName) is not what the shards ran on (SHA-256 \(run.inputSHA256.prefix(12))..., "
                                  + "the shards' \(header.inputSHA256.prefix(12))...)")
        }
        guard results.count == run.unitCount else {
            throw ExperimentError("\(results.count) units' results for a run of \(run.unitCount)")
        }
        let timings = ShardTimings<Timing>.read(beside: ordered, units: results.count)
        if timings == nil && Timing.self != NoTiming.self {
            warn("some shards' .seconds.json files are missing or do not match them: the results' seconds are 0")
        }
        return try run.merged(results, timings: timings)
    }
}

/// Every command whose shards `vaedyn merge` merges.
public enum ShardedRuns {
    public static let all: [any ShardedRun.Type] = [Reproduction.self, SweepJob.self, ImputationPlan.self, Study.self]

    /// The shard files of one run, whichever command made them.
    public static func merge(_ urls: [URL], warn: (String) -> Void) throws -> MergedOutput {
        guard let first = urls.first else { throw ExperimentError("no shard files given") }
        let kind = try ShardFileKind(contentsOf: first)
        guard let run = all.first(where: { $0.command == kind.command }) else {
            throw ExperimentError("\(first.lastPathComponent) is a shard of `vaedyn \(kind.command)`, which this build cannot merge")
        }
        return try run.merge(urls, warn: warn)
    }
}
