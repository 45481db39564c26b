import Foundation

/// One line of a study's results file: a checkpoint (latent size, seed, epoch) and every
/// measure of it. `StudyReport` documents each definition.
public struct StudyRecord: Codable, Equatable {
    public var latent: Int
    public var seed: UInt64
    public var epoch: Int
    public var settings: StudySettings

    public var testNegativeELBO: Double
    public var trainNegativeELBO: Double
    /// Test minus train negative ELBO: the generalisation gap.
    public var elboGap: Double
    public var importanceSampledNLL: Double
    public var activeUnits: Int

    public var conceptDistance: Double
    public var withinClassSpread: Double
    public var conceptSeparation: Double

    /// Mean over inputs of the share of trials nearest the own class concept, by step ("1", "10", "50").
    public var ownShare: [String: Float]
    /// Inputs whose own-class distance dips at 1 <= t <= 10 and then rises (`PopulationDynamics.InputResult.passesBy`).
    public var passesByShare: Float
    /// Mean over inputs of the share of trials nearest each class concept at the last step, in the order of the class names.
    public var finalClassShares: [Float]
    /// The three classes holding most trials at the last step, most first.
    public var attractors: [String]
    /// Mean over inputs of the distance to the own class concept at t = 0...steps.
    public var meanOwnDistance: [Float]

    public var noiseRatios: [Float]
    /// stageCounts[ratio][stage - 1]: inputs in each stage (I, II, III) at each ratio;
    /// since stage calls carry their uncertainty, decided calls only.
    public var stageCounts: [[Int]]
    /// Per ratio, the inputs whose stage is undecided (absent in records measured before
    /// stage calls had an uncertainty, whose counts hold every input).
    public var undecidedCounts: [Int]?
    /// Mean stage over the inputs at each ratio.
    public var meanStage: [Double?]
    /// The mean stage never falls as the noise grows.
    public var meanStageRises: Bool
    public var stageTwoShare: Float
    /// Inputs whose stage never steps back as the noise grows.
    public var monotoneShare: Float

    /// The paper's example, the first test 6 (one of the inputs).
    public var sixStages: [Int?]
    public var sixReachesStageTwo: Bool
    public var sixOwnShare: Float

    /// The measures with their controls (issue 26); absent in records measured before them.
    public var controlled: StudyControlled?

    /// Training up to this epoch (cumulative over the run), and this checkpoint's measuring.
    public var trainingSeconds: Double
    public var measuringSeconds: Double

    public var key: StudyKey { StudyKey(latent: latent, seed: seed, epoch: epoch) }

    public var seconds: StudySeconds {
        get { StudySeconds(training: trainingSeconds, measuring: measuringSeconds) }
        set { (trainingSeconds, measuringSeconds) = (newValue.training, newValue.measuring) }
    }

    /// The record as a shard file holds it: its bytes the same on every rerun.
    public var withoutSeconds: StudyRecord {
        var r = self
        r.seconds = StudySeconds(training: 0, measuring: 0)
        return r
    }
}

/// A checkpoint's claims measured against their controls, as `vaedyn reproduce` measures
/// them (docs/records.md, "Controls"): shares are of the inputs of the Fig 2b runs.
public struct StudyControlled: Codable, Equatable {
    /// The own class concept is approached beyond its same-norm control from t = 0 to t = 1
    /// by more than 2 SE (paired over trials), and the other way.
    public var approachAbove: Float, approachBelow: Float
    /// The own class concept's contrast with the other class concepts grows from t = 0 to 1 by > 2 SE.
    public var contrastGain: Float
    /// The approach beyond the control peaks at 1 <= t <= 10 and falls by > 2 SE by the last step.
    public var departsBeyondControl: Float
    /// In stage II at some noise ratio with a support that survives choosing the best ratio (Bonferroni).
    public var stageTwoFamilywise: Float
    /// The chain's own class mix (`RestingMix`: chains from the model's samples), at t = 0
    /// and at the last step, in the order of the class names.
    public var ancestralShares: [Float], restingShares: [Float]
    /// Keep more of their trials in their class at the last step than the resting mix gives it (> 2 binomial SE).
    public var keepsBeyondResting: Float
    /// The median over the inputs of each input's median escape step (the step by which half
    /// its trials have left its class; steps + 1 where half are still in it at the end).
    public var medianEscape: Int
    /// Inputs with half their trials still in their class at the last step.
    public var keepsToEnd: Float
    /// Mean over inputs of the state's norm |mu| and of the distance to the nearest training
    /// memory, at t = 0, 1 and the last step.
    public var norm: [Float], memoryDistance: [Float]
    /// Mean distance from the clean inputs' codes to their nearest training memory: the scale of "close to a memory".
    public var cleanMemoryDistance: Float
    /// The distance to the nearest memory falls from t = 1 to the last step by > 2 SE.
    public var movesToMemory: Float

    public init(approachAbove: Float, approachBelow: Float, contrastGain: Float, departsBeyondControl: Float, stageTwoFamilywise: Float,
                ancestralShares: [Float], restingShares: [Float], keepsBeyondResting: Float, medianEscape: Int, keepsToEnd: Float,
                norm: [Float], memoryDistance: [Float], cleanMemoryDistance: Float, movesToMemory: Float) {
        self.approachAbove = approachAbove
        self.approachBelow = approachBelow
        self.contrastGain = contrastGain
        self.departsBeyondControl = departsBeyondControl
        self.stageTwoFamilywise = stageTwoFamilywise
        self.ancestralShares = ancestralShares
        self.restingShares = restingShares
        self.keepsBeyondResting = keepsBeyondResting
        self.medianEscape = medianEscape
        self.keepsToEnd = keepsToEnd
        self.norm = norm
        self.memoryDistance = memoryDistance
        self.cleanMemoryDistance = cleanMemoryDistance
        self.movesToMemory = movesToMemory
    }
}

/// The two times of a checkpoint: the run's training so far and this checkpoint's measuring.
public struct StudySeconds: Codable {
    public var training: Double
    public var measuring: Double

    public init(training: Double, measuring: Double) {
        self.training = training
        self.measuring = measuring
    }
}

public struct StudyKey: Hashable {
    public let latent: Int, seed: UInt64, epoch: Int

    public init(latent: Int, seed: UInt64, epoch: Int) {
        self.latent = latent
        self.seed = seed
        self.epoch = epoch
    }
}

/// The results file: JSON Lines, one `StudyRecord` a line, appended as each checkpoint is measured.
/// A results file of JSON Lines that long commands (study, impute) append to as they go.
public enum ResultsFile {
    /// The complete lines: a command killed while writing one leaves it unfinished, without its newline.
    public static func read<Record: Decodable>(_ type: Record.Type, _ path: String) throws -> [Record] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated().map { n, line in
            do { return try JSONDecoder().decode(Record.self, from: Data(line.utf8)) } catch {
                throw ExperimentError("\(path), line \(n + 1): \(error)")
            }
        }
    }

    /// A whole results file of `records`.
    public static func create<Record: Encodable>(_ records: [Record], at path: String) throws {
        try create(try data(records), at: path)
    }

    /// A whole results file, as `vaedyn merge` writes it from shards: refused where a file
    /// is already, which may hold hours of measuring.
    public static func create(_ data: Data, at path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ExperimentError("\(path) exists; merge writes a whole results file: move it away or give --out")
        }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        // In one write, through a temporary file: a killed merge leaves no half file.
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The bytes of a results file of `records`.
    public static func data<Record: Encodable>(_ records: [Record]) throws -> Data {
        try records.reduce(into: Data()) { $0 += try line($1) }
    }

    private static func line<Record: Encodable>(_ record: Record) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(record) + Data("\n".utf8)
    }

    /// Appends one line (after the complete ones) and flushes it to disk, so a killed
    /// command loses no measured line.
    public static func append<Record: Encodable>(_ record: Record, to path: String) throws {
        let line = try line(record)
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ExperimentError("cannot create \(path)") }
        }
        let complete = try Data(contentsOf: URL(fileURLWithPath: path)).lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(complete))
        try handle.seek(toOffset: UInt64(complete))
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }
}
