import Dynamics
import HTTP

extension VaedynService {
    /// POST /dynamics: the records of one dynamics run, streamed.
    func dynamics(_ request: HTTPRequest) throws -> HTTPResponse {
        let decoded = try DynamicsRequest(request, models: catalog, limits: settings.limits)
        let run: DynamicsRun
        do { run = try DynamicsRun(model: decoded.model, input: decoded.input, parameters: decoded.parameters) } catch let error as DynamicsError {
            throw FieldError("body", error.description)
        }
        let stream = RecordStream(format: decoded.format, ticket: try gate.admit(), metrics: metrics, trials: decoded.parameters.trials)
        let handoff = Handoff(run)
        return stream.response { isCancelled, emit in handoff.value.run(isCancelled: isCancelled, emit: emit) }
    }

    /// POST /sweep: the Fig 3 experiment, one point record per input and noise ratio.
    func sweep(_ request: HTTPRequest) throws -> HTTPResponse {
        let decoded = try SweepRequest(request, models: catalog, limits: settings.limits)
        let run: SweepRun
        do {
            run = try SweepRun(model: decoded.model, inputs: decoded.inputs, ratios: decoded.ratios, parameters: decoded.parameters)
        } catch let error as DynamicsError {
            throw FieldError("body", error.description)
        }
        var stream = RecordStream(format: decoded.format, ticket: try gate.admit(), metrics: metrics, trials: decoded.parameters.trials)
        stream.stepsPerPoint = decoded.parameters.steps + 1
        let handoff = Handoff(run)
        return stream.response { isCancelled, emit in handoff.value.run(isCancelled: isCancelled, emit: emit) }
    }
}

/// A run built on the connection's thread and then used only by the response's producer
/// thread: handed over once, never shared.
struct Handoff<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
