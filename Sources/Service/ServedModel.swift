import Dynamics
import Foundation
import VAE

/// One loaded model with what the service derives from it once: its file's identity, the
/// cache of its catalogue documents, its decoded concept images, and what loading it cost.
final class ServedModel: Sendable {
    let model: DynamicsModel
    let file: ModelDocument.FileInfo
    let documents: DocumentCache
    /// Decoded concept images, in the order of the concepts.
    let conceptImages: [[Float]]
    /// Resident bytes the process grew by while this model was loaded and its documents
    /// prepared (measured; the file's bytes are freed again before the measure ends).
    let residentBytes: Int

    /// Reads and checks `path`; a missing, truncated or corrupted file is an error whose
    /// message names the file and the problem.
    init(path: String) throws {
        let before = MemoryBound.residentBytes()
        (model, file) = try Self.load(path)
        documents = DocumentCache(modelSHA256: file.sha256)
        conceptImages = model.network.meanImages(of: model.bundle.conceptVectors)
        residentBytes = max(0, MemoryBound.residentBytes() - before)
    }

    /// In a function of its own so that the file's bytes are freed before the measure ends.
    private static func load(_ path: String) throws -> (DynamicsModel, ModelDocument.FileInfo) {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SettingsError("model file \(path) cannot be read (\(error.localizedDescription))")
        }
        do {
            let model = try DynamicsModel(bundle: try ModelBundle(data: data))
            return (model, ModelDocument.FileInfo(name: url.lastPathComponent, bytes: data.count, sha256: SHA256.hex(data)))
        } catch {
            throw SettingsError("model file \(path): \(error)")
        }
    }

    var id: String { model.id }
}
