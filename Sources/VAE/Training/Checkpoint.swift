import Foundation

/// An interrupted training run: weights, optimiser moments and the position of the next
/// batch. Resuming from it gives the same weights as a run that was never stopped.
public struct Checkpoint: Sendable {
    public static let kind = "vaedyn-checkpoint"

    public struct State: Codable, Sendable {
        public var architecture: Architecture
        public var options: TrainingOptions
        public var position: TrainingPosition
        public var imagesTrained: Int
        public var secondsTraining: Double
        public var adamStep: Int
        public var dataSHA256: [String: String]

        public init(architecture: Architecture, options: TrainingOptions, position: TrainingPosition, imagesTrained: Int,
                    secondsTraining: Double, adamStep: Int, dataSHA256: [String: String]) {
            self.architecture = architecture
            self.options = options
            self.position = position
            self.imagesTrained = imagesTrained
            self.secondsTraining = secondsTraining
            self.adamStep = adamStep
            self.dataSHA256 = dataSHA256
        }
    }

    public let state: State
    private let archive: TensorArchive

    public init(state: State, trainer: Trainer) throws {
        self.state = state
        var a = TensorArchive(kind: Self.kind, metadata: try JSONEncoder().encode(state))
        let n = trainer.network.parameters.count
        a.add("parameters", shape: [n], floats: trainer.network.parameters.storage.view.buffer)
        a.add("adam_m", shape: [n], floats: trainer.optimizer.m.view.buffer)
        a.add("adam_v", shape: [n], floats: trainer.optimizer.v.view.buffer)
        archive = a
    }

    /// Where `trainer` stands now, on data with these hashes.
    public init(trainer: Trainer, dataSHA256: [String: String]) throws {
        try self.init(state: State(architecture: trainer.network.architecture, options: trainer.options, position: trainer.position,
                                   imagesTrained: trainer.imagesTrained, secondsTraining: trainer.secondsTraining,
                                   adamStep: trainer.optimizer.step, dataSHA256: dataSHA256),
                      trainer: trainer)
    }

    public init(contentsOf url: URL) throws {
        let a = try TensorArchive(contentsOf: url)
        guard a.kind == Self.kind else { throw ArchiveError.notAnArchive("holds a '\(a.kind)', not a training checkpoint") }
        do { state = try JSONDecoder().decode(State.self, from: a.metadata) } catch {
            throw ArchiveError.malformed("checkpoint state: \(error)")
        }
        let n = Parameters(state.architecture).count
        for name in ["parameters", "adam_m", "adam_v"] { _ = try a.floats(name, shape: [n]) }
        archive = a
    }

    public func write(to url: URL) throws { try archive.write(to: url) }

    /// Loads weights, moments and position into a trainer built with the same options.
    public func restore(into trainer: Trainer) {
        // Shapes were checked when the file was read.
        let p = try! archive.floats("parameters")
        trainer.network.parameters.storage.view.update(from: p)
        trainer.optimizer.restore(step: state.adamStep, m: try! archive.floats("adam_m"), v: try! archive.floats("adam_v"))
        trainer.resume(at: state.position, imagesTrained: state.imagesTrained, secondsTraining: state.secondsTraining)
    }

    /// SHA-256 of every IDX file in the folder, by name.
    public static func hashData(folder: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.contains("-ubyte") {
            out[name] = SHA256.hex(try Data(contentsOf: folder.appendingPathComponent(name)))
        }
        return out
    }
}
