import Dynamics

/// The models a request may name, in the order they were loaded, and the one it gets when
/// it names none. Request decoding reads only this, so the fuzzer and the tests decode
/// exactly as the routes do without a running service.
public struct ModelCatalog: Sendable {
    public let models: [DynamicsModel]
    public let defaultModel: DynamicsModel

    /// `models` must be non-empty, with distinct ids; `defaultID` nil picks the first.
    public init(_ models: [DynamicsModel], defaultID: String? = nil) {
        precondition(!models.isEmpty && Set(models.map(\.id)).count == models.count, "a catalogue needs distinct models")
        self.models = models
        defaultModel = models.first { $0.id == defaultID } ?? models[0]
    }

    public var ids: [String] { models.map(\.id) }

    /// The model `id` names, the default for nil; an unknown id is a 422 on `model` that
    /// lists what is served, so a client can correct itself from the message alone.
    public func model(_ id: String?) throws -> DynamicsModel {
        guard let id else { return defaultModel }
        guard let model = models.first(where: { $0.id == id }) else {
            throw FieldError("model", "'\(id)' is not served here; known models: \(ids.joined(separator: ", "))")
        }
        return model
    }
}
