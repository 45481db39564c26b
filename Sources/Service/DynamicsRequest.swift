import Dynamics
import HTTP

/// A POST /dynamics request decoded and checked against the model and the limits: what a
/// run starts from, or a FieldError / HTTPError naming what is wrong. It reads no service
/// state, so the fuzzer (JSONFuzz) runs exactly what the route runs.
public struct DynamicsRequest {
    public let parameters: DynamicsParameters
    public let input: DynamicsInput
    let format: RecordFormat

    /// The model the request names, or the catalogue's default.
    public let model: DynamicsModel

    public init(_ request: HTTPRequest, model: DynamicsModel, limits: ComputeLimits) throws {
        try self.init(request, models: ModelCatalog([model]), limits: limits)
    }

    public init(_ request: HTTPRequest, models: ModelCatalog, limits: ComputeLimits) throws {
        var chain = try ChainRequest(request, models: models, limits: limits)
        model = chain.model
        format = try RecordFormat(request)
        parameters = try chain.parameters(for: .dynamics)
        input = try chain.input(request)
        try chain.fields.rejectUnknown()
        try chain.checkBudget((parameters.steps + 1) * parameters.trials, what: "steps x trials")
    }
}
