import Dynamics
import Foundation
import VAE

/// The JSON documents of the read-only endpoints, as Codable structs so that their shape
/// is written once and matches the OpenAPI document.
struct ConceptsDocument: Codable {
    struct Concept: Codable {
        var id: String
        var label: String
        var level: String
        var parent: String?
        var count: Int
        var vector: [Float]?
        /// The decoder's pixel probabilities for the concept vector (784 numbers).
        var image: [Float]?
        /// Coordinates on the model's two projection axes (Fig 2c).
        var projection: [Float]?
    }

    var model: String
    var latentSize: Int
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
    var dataset: String
    var architecture: Architecture
    var classNames: [String]
    var training: TrainingRecord?
    var metrics: ModelMetrics?
    var concepts: [ConceptInfo]
    var exemplarCount: Int
    var projectionVariance: [Double]
    var file: FileInfo

    struct FileInfo: Codable {
        var name: String
        var bytes: Int
        var sha256: String
    }
}

struct HealthDocument: Codable {
    var status: String
    var model: String
    var computationsRunning: Int
    var computationsWaiting: Int
}

enum JSONBody {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // These documents hold finite numbers and strings only.
        return [UInt8](try! encoder.encode(value))
    }
}
