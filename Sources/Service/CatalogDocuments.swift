import Dynamics
import Foundation
import HTTP
import VAE

/// The JSON documents of the read-only endpoints, as Codable structs so that their shape
/// is written once and matches the OpenAPI document.
struct ConceptsDocument: Codable {
    struct Concept: Codable {
        var id: String
        var label: String
        var level: String
        var parent: String?
        /// Ids of the concepts whose parent this is, in file order (empty for a class).
        var children: [String]
        var count: Int
        var vector: [Float]?
        /// The decoder's pixel probabilities for the concept vector (784 numbers).
        var image: [Float]?
        /// Coordinates on the model's two projection axes (Fig 2c).
        var projection: [Float]?
    }

    var model: String
    var latentSize: Int
    /// The levels a stage can name, from the input's own pattern ("item") to the root.
    var levels: [String]
    /// The concept tree's levels and provenance (paper, semantic or learned).
    var tree: ConceptTreeInfo
    var concepts: [Concept]
}

struct ExemplarsDocument: Codable {
    struct Exemplar: Codable {
        var digit: Int
        var index: Int
        var testIndex: Int
        /// Grey levels 0...255, row-major 28 x 28.
        var pixels: [UInt8]
    }

    var model: String
    var exemplars: [Exemplar]
}

struct ModelDocument: Codable {
    var id: String
    /// The model a request gets when it names none.
    var isDefault: Bool
    var dataset: String
    var architecture: Architecture
    var classNames: [String]
    var training: TrainingRecord?
    /// Where weights trained elsewhere came from (`vaedyn import`).
    var imported: ImportRecord?
    var metrics: ModelMetrics?
    var concepts: [ConceptInfo]
    var exemplarCount: Int
    var projectionVariance: [Double]
    var conceptTree: ConceptTreeSummary
    var file: FileInfo
    /// Resident bytes the service grew by when it loaded this model (measured at start).
    var residentBytes: Int
    /// What one request may ask of this server: its configured `limits.*`.
    var limits: Limits
    /// The values of the request fields that take a name, as this build knows them: the
    /// page builds its lists from these rather than from a copy of its own.
    var choices = Choices()

    struct FileInfo: Codable {
        var name: String
        var bytes: Int
        var sha256: String
    }

    struct Choices: Codable, Equatable {
        var noiseKinds = NoiseModel.Kind.allCases.map(\.rawValue)
        var kernels = DynamicsParameters.Kernel.allCases.map(\.rawValue)
        /// The named masks without parameters (`random:F` and `square:X,Y,W,H` take some).
        var maskHalves = ImputationMask.halves
    }

    struct Limits: Codable, Equatable {
        var maxSteps: Int
        var maxTrials: Int
        /// (steps + 1) x trials of one request, x noise ratios x inputs for a sweep.
        var maxChainSteps: Int
        var maxSweepPoints: Int
        var maxSweepInputs: Int
    }
}

/// The shape of a model's concept tree: its levels from the class to the root, how many
/// concepts each holds, and where its groups came from.
struct ConceptTreeSummary: Codable {
    var levels: [String]
    var conceptsPerLevel: [Int]
    var source: ConceptTreeInfo.Source
}

struct ModelListDocument: Codable {
    var defaultModel: String
    var models: [ModelDocument]
}

extension ModelDocument {
    init(_ served: ServedModel, limits: Limits, isDefault: Bool) {
        let d = served.model.bundle.description
        let levels = d.conceptLevels
        self.init(id: d.id, isDefault: isDefault, dataset: d.dataset, architecture: d.architecture, classNames: d.classNames, training: d.training,
                  imported: d.imported, metrics: d.metrics, concepts: d.concepts, exemplarCount: d.exemplars.count, projectionVariance: d.projectionVariance,
                  conceptTree: ConceptTreeSummary(levels: levels, conceptsPerLevel: levels.map { l in d.concepts.filter { $0.level == l }.count },
                                                 source: (d.conceptTree ?? .paper).source),
                  file: served.file, residentBytes: served.residentBytes, limits: limits)
    }
}

extension ModelDocument.Limits {
    init(_ limits: ComputeLimits) {
        self.init(maxSteps: limits.maxSteps, maxTrials: limits.maxTrials, maxChainSteps: limits.maxChainSteps,
                  maxSweepPoints: limits.maxSweepPoints, maxSweepInputs: limits.maxSweepInputs)
    }

    /// Part of the /model document's cache key and so of its ETag: the same model served
    /// with other limits is another document.
    var tag: String { [maxSteps, maxTrials, maxChainSteps, maxSweepPoints, maxSweepInputs].map(String.init).joined(separator: "-") }
}

struct HealthDocument: Codable {
    var status: String
    /// The default model.
    var model: String
    var models: [String]
    var computationsRunning: Int
    var computationsWaiting: Int
}

enum JSONBody {
    /// The document as JSON with sorted keys. JSONEncoder refuses numbers JSON cannot
    /// hold, and a model file can carry them (a NaN or infinity in a concept vector, say,
    /// from a run that diverged): that fails the request with a 500 in the service's error
    /// shape, naming the field, instead of stopping the process. Nothing is cached then,
    /// so each request for that document answers the same.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return [UInt8](try encoder.encode(value)) } catch {
            throw HTTPError(.internalServerError, code: "internal_error", message: "the \(T.self) cannot be written as JSON: \(describe(error))")
        }
    }

    private static func describe(_ error: Error) -> String {
        guard case EncodingError.invalidValue(let value, let context) = error else { return "\(error)" }
        let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return "\(path.isEmpty ? "the value" : path) is \(value), which JSON cannot hold"
    }
}
