import Foundation
import Dynamics
import HTTP

extension VaedynService {
    /// POST /dynamics: the records of one dynamics run, streamed.
    func dynamics(_ request: HTTPRequest) throws -> HTTPResponse {
        var chain = try ChainRequest(request, model: model, limits: settings.limits)
        let format = try RecordFormat(request)
        var parameters = try chain.parameters(noiseRatioRequired: true)
        parameters.meanImage = try chain.fields.bool("meanImage") ?? false
        parameters.projection = try chain.fields.bool("projection") ?? false
        let input = try chain.input(request)
        try chain.fields.rejectUnknown()
        try chain.checkBudget((parameters.steps + 1) * parameters.trials, what: "steps x trials")
        let run: DynamicsRun
        do { run = try DynamicsRun(model: model, input: input, parameters: parameters) } catch let error as DynamicsError {
            throw FieldError("body", error.description)
        }
        let stream = RecordStream(format: format, ticket: try gate.admit(), metrics: metrics, trials: parameters.trials)
        let handoff = Handoff(run)
        return stream.response { isCancelled, emit in handoff.value.run(isCancelled: isCancelled, emit: emit) }
    }

    /// POST /sweep: the Fig 3 experiment, one point record per input and noise ratio.
    func sweep(_ request: HTTPRequest) throws -> HTTPResponse {
        var chain = try ChainRequest(request, model: model, limits: settings.limits)
        let format = try RecordFormat(request)
        let parameters = try chain.parameters(noiseRatioRequired: false)
        let ratios = try noiseRatios(&chain)
        let inputs = try sweepInputs(&chain, request)
        try chain.fields.rejectUnknown()
        try chain.checkBudget((parameters.steps + 1) * parameters.trials * ratios.count * inputs.count, what: "steps x trials x ratios x inputs")
        let run: SweepRun
        do { run = try SweepRun(model: model, inputs: inputs, ratios: ratios, parameters: parameters) } catch let error as DynamicsError {
            throw FieldError("body", error.description)
        }
        var stream = RecordStream(format: format, ticket: try gate.admit(), metrics: metrics, trials: parameters.trials)
        stream.stepsPerPoint = parameters.steps + 1
        let handoff = Handoff(run)
        return stream.response { isCancelled, emit in handoff.value.run(isCancelled: isCancelled, emit: emit) }
    }

    /// `noiseGrid: "0:1:0.05"` or `ratios: [0, 0.1, ...]`; default 0:1:0.05.
    private func noiseRatios(_ chain: inout ChainRequest) throws -> [Float] {
        let grid = try chain.fields.string("noiseGrid")
        let list = try chain.fields.array("ratios")
        let ratios: [Float]
        switch (grid, list) {
        case (_?, _?): throw FieldError("ratios", "give noiseGrid or ratios, not both")
        case (let text?, nil):
            do { ratios = try NoiseGrid.parse(text) } catch { throw FieldError("noiseGrid", "\(error)") }
        case (nil, let values?):
            ratios = try values.enumerated().map { i, v in
                guard let n = v as? NSNumber, !JSONFields.isBoolean(n), n.doubleValue.isFinite, (0...1).contains(n.doubleValue) else {
                    throw FieldError("ratios[\(i)]", "must be a number in 0...1")
                }
                return Float(n.doubleValue)
            }
        case (nil, nil): ratios = try NoiseGrid.parse("0:1:0.05")
        }
        guard !ratios.isEmpty, ratios.count <= settings.limits.maxSweepPoints else {
            throw FieldError(grid == nil ? "ratios" : "noiseGrid", "must give 1 to \(settings.limits.maxSweepPoints) noise ratios, got \(ratios.count)")
        }
        return ratios
    }

    /// One input (`image`, as for /dynamics) or a population of the model's exemplars:
    /// `population: {"digits": [6], "perClass": 10}` (digits default to every class).
    private func sweepInputs(_ chain: inout ChainRequest, _ request: HTTPRequest) throws -> [DynamicsInput] {
        guard var population = try chain.fields.object("population") else { return [try chain.input(request)] }
        if chain.fields.has("image") { throw FieldError("population", "give image or population, not both") }
        let classes = model.bundle.description.classNames.count
        let digits = try population.array("digits").map { values in
            try values.enumerated().map { i, v -> Int in
                guard let n = v as? NSNumber, !JSONFields.isBoolean(n), let d = Int(exactly: n.doubleValue), (0..<classes).contains(d) else {
                    throw FieldError("population.digits[\(i)]", "must be a class 0...\(classes - 1)")
                }
                return d
            }
        } ?? Array(0..<classes)
        let perClass = try population.integer("perClass", in: 1...1000) ?? 1
        try population.rejectUnknown()
        guard digits.count * perClass <= settings.limits.maxSweepInputs else {
            throw FieldError("population", "asks for \(digits.count * perClass) inputs; this server allows \(settings.limits.maxSweepInputs)")
        }
        do { return try DynamicsInput.exemplars(of: model, labels: digits, perClass: perClass) } catch {
            throw FieldError("population.perClass", "\(error)")
        }
    }
}

/// A run built on the connection's thread and then used only by the response's producer
/// thread: handed over once, never shared.
struct Handoff<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
