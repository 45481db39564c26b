import Dynamics
import Foundation
import HTTP

/// A POST /sweep request (the Fig 3 experiment) decoded and checked against the model and
/// the limits, or a FieldError / HTTPError naming what is wrong; like DynamicsRequest, it
/// reads no service state.
public struct SweepRequest {
    public let parameters: DynamicsParameters
    public let ratios: [Float]
    public let inputs: [DynamicsInput]
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
        parameters = try chain.parameters(for: .sweep)
        ratios = try Self.noiseRatios(&chain)
        inputs = try Self.inputs(&chain, request)
        try chain.fields.rejectUnknown()
        try chain.checkBudget((parameters.steps + 1) * parameters.trials * ratios.count * inputs.count,
                              what: "steps x trials x ratios x inputs")
    }

    /// `noiseGrid: "0:1:0.05"` or `ratios: [0, 0.1, ...]`; default 0:1:0.05.
    private static func noiseRatios(_ chain: inout ChainRequest) throws -> [Float] {
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
        let maxPoints = chain.limits.maxSweepPoints
        guard !ratios.isEmpty, ratios.count <= maxPoints else {
            throw FieldError(grid == nil ? "ratios" : "noiseGrid", "must give 1 to \(maxPoints) noise ratios, got \(ratios.count)")
        }
        return ratios
    }

    /// One input (`image`, as for /dynamics) or a population of the model's exemplars:
    /// `population: {"digits": [6], "perClass": 10}` (digits default to every class).
    private static func inputs(_ chain: inout ChainRequest, _ request: HTTPRequest) throws -> [DynamicsInput] {
        guard var population = try chain.fields.object("population") else { return [try chain.input(request)] }
        if chain.fields.has("image") { throw FieldError("population", "give image or population, not both") }
        let classes = chain.model.bundle.description.classNames.count
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
        let maxInputs = chain.limits.maxSweepInputs
        guard digits.count * perClass <= maxInputs else {
            throw FieldError("population", "asks for \(digits.count * perClass) inputs; this server allows \(maxInputs)")
        }
        do { return try DynamicsInput.exemplars(of: chain.model, labels: digits, perClass: perClass) } catch {
            throw FieldError("population.perClass", "\(error)")
        }
    }
}
