import Foundation

/// One part of a population run cut N ways: shard `index` of `count`, zero-based as Slurm
/// array task ids, Kubernetes completion indices and the Batch services' task indices are.
/// Given as `--shard I/N`, or read from the environment that array-job engines set.
public struct Shard: Codable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public var description: String { "\(index)/\(count)" }

    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else { throw ExperimentError("shard \(index)/\(count): the index must be in 0..<N and N at least 1") }
        self.index = index
        self.count = count
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { throw ExperimentError("--shard \(text): give I/N, e.g. 0/3") }
        try self.init(index: i, count: n)
    }

    /// The engines' variables, in this order: Slurm job arrays (SLURM_ARRAY_TASK_ID, counted
    /// from SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT; a stepped array such as
    /// 0-10:2 is refused, its ids not being 0..<N), Kubernetes Indexed Jobs
    /// (JOB_COMPLETION_INDEX), AWS Batch array jobs (AWS_BATCH_JOB_ARRAY_INDEX), Google
    /// Batch (BATCH_TASK_INDEX of BATCH_TASK_COUNT). Kubernetes and AWS do not tell a task
    /// how many there are: VAEDYN_SHARDS must. Nil when none is set.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        func number(_ name: String) throws -> Int? {
            guard let text = env[name] else { return nil }
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else { throw ExperimentError("\(name)=\(text) is not a number") }
            return n
        }
        if let id = try number("SLURM_ARRAY_TASK_ID") {
            guard let count = try number("SLURM_ARRAY_TASK_COUNT") else { throw ExperimentError("SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT") }
            if let step = try number("SLURM_ARRAY_TASK_STEP"), step != 1 {
                throw ExperimentError("the Slurm array has step \(step); submit --array=0-\(count - 1) so that its task ids are the shards 0..<N")
            }
            return try Shard(index: id - (try number("SLURM_ARRAY_TASK_MIN") ?? 0), count: count)
        }
        for name in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] {
            guard let index = try number(name) else { continue }
            guard let count = try number("VAEDYN_SHARDS") else { throw ExperimentError("\(name) is set: set VAEDYN_SHARDS to the number of tasks too") }
            return try Shard(index: index, count: count)
        }
        if let index = try number("BATCH_TASK_INDEX") {
            guard let count = try number("BATCH_TASK_COUNT") ?? number("VAEDYN_SHARDS") else { throw ExperimentError("BATCH_TASK_INDEX is set without BATCH_TASK_COUNT") }
            return try Shard(index: index, count: count)
        }
        return nil
    }

    /// This shard's units of `total`: contiguous, sizes differing by at most one, the same
    /// cut on every machine.
    public func units(of total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    /// This shard's units when they cost `weights` (any unit of work, e.g. chain-steps):
    /// contiguous, cut where the running cost crosses i/N of the whole, so the shards' costs
    /// differ by at most one unit's. Integer arithmetic: the same cut on every machine.
    public func units(weights: [Int]) -> Range<Int> {
        precondition(weights.allSatisfy { $0 >= 0 })
        var before = [0]
        for w in weights { before.append(before.last! + w) }
        let total = before.last!
        func boundary(_ i: Int) -> Int {
            guard i < count else { return weights.count }
            return before.firstIndex { $0 * count >= i * total }!
        }
        return boundary(index)..<boundary(index + 1)
    }

    public func fileName(_ command: String) -> String { "\(command)-shard-\(index)-of-\(count).jsonl" }
}
