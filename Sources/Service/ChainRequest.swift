import Dynamics
import Foundation
import HTTP

/// The options shared by /dynamics and /sweep, read from a JSON body or, for raw image
/// bodies, from the query (`?steps=50&noise=replace:0.2&x=mean`).
struct ChainRequest {
    var fields: JSONFields
    let limits: ComputeLimits
    let model: DynamicsModel

    /// The body's fields, or the query's when the body is an image; the model is the one
    /// the field `model` names (in a JSON body or in the query), the catalogue's default
    /// when none does.
    init(_ request: HTTPRequest, models: ModelCatalog, limits: ComputeLimits) throws {
        self.limits = limits
        let isJSON: Bool
        switch Self.mediaType(request) {
        case "application/json":
            fields = try JSONFields.parse(request.body)
            isJSON = true
        case "image/png", "image/x-portable-graymap", "image/x-portable-anymap":
            fields = JSONFields(Self.queryObject(request))
            isJSON = false
        default:
            throw HTTPError.unsupportedMediaType(request.headers["Content-Type"])
        }
        var id = try fields.string("model")
        if isJSON, let query = request.queryValue("model") {
            if let id, id != query { throw FieldError("model", "the body names '\(id)' and the query '\(query)'; name one") }
            id = query
        }
        model = try models.model(id)
    }

    static func mediaType(_ request: HTTPRequest) -> String? {
        // Not split(separator:): it yields no element at all for ";" and the index would trap.
        request.headers["Content-Type"].map { $0.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Query values as JSON would carry them: numbers, booleans, or strings.
    static func queryObject(_ request: HTTPRequest) -> [String: Any] {
        var object: [String: Any] = [:]
        for (name, value) in request.queryItems where name != "stream" {
            if value == "true" || value == "false" {
                object[name] = NSNumber(value: value == "true")
            } else if let d = Double(value), d.isFinite {
                object[name] = NSNumber(value: d)
            } else {
                object[name] = value
            }
        }
        return object
    }

    /// Engine parameters with every field checked against the rules and the limits.
    mutating func parameters(noiseRatioRequired: Bool) throws -> DynamicsParameters {
        var p = DynamicsParameters()
        p.steps = try fields.integer("steps", in: 1...limits.maxSteps) ?? p.steps
        p.trials = try fields.integer("trials", in: 1...limits.maxTrials) ?? min(p.trials, limits.maxTrials)
        p.seed = UInt64(try fields.integer("seed", in: 0...(1 << 53)) ?? Int(p.seed))
        p.noise = try noise(ratioRequired: noiseRatioRequired) ?? p.noise
        p.binarize = try fields.bool("binarize") ?? p.binarize
        p.image = try fields.choice("x", DynamicsParameters.Draw.self) ?? p.image
        p.latent = try fields.choice("z", DynamicsParameters.Draw.self) ?? p.latent
        p.measure = try fields.choice("measure", DynamicsParameters.Measure.self) ?? p.measure
        p.metric = try fields.choice("metric", DynamicsParameters.Metric.self) ?? p.metric
        p.aggregation = try fields.choice("aggregate", DynamicsParameters.Aggregation.self) ?? p.aggregation
        p.window = try window()
        if let window = p.window, window.to > p.steps { throw FieldError("window", "ends at step \(window.to), after the last step \(p.steps)") }
        if p.noise.kind == .flip && !p.binarize { throw FieldError("noise.model", "flip needs binary images; set binarize or pick another model") }
        return p
    }

    /// `{"model": "replace", "p": 0.2}` or `"replace:0.2"`; in a sweep the ratio comes
    /// from the grid, so only the model is given.
    private mutating func noise(ratioRequired: Bool) throws -> NoiseModel? {
        guard let raw = fields.value("noise") else { return nil }
        var kindText: String?, ratio: Double?
        if let text = raw as? String {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            // "" and ":" split into no parts at all: no model, refused below.
            kindText = parts.first
            if parts.count == 2 {
                guard let r = Double(parts[1]) else { throw FieldError("noise", "ratio '\(parts[1])' is not a number") }
                ratio = r
            }
        } else if let object = raw as? [String: Any] {
            var n = JSONFields(object, path: "noise")
            kindText = try n.string("model")
            ratio = try n.number("p")
            try n.rejectUnknown()
        } else {
            throw FieldError("noise", "must be {\"model\": ..., \"p\": ...} or \"model:p\"")
        }
        guard let kindText, let kind = NoiseModel.Kind(rawValue: kindText) else {
            throw FieldError("noise.model", "must be one of \(NoiseModel.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if ratioRequired {
            guard let ratio else { throw FieldError("noise.p", "is required") }
            guard (0...1).contains(ratio) else { throw FieldError("noise.p", "must be in 0...1, got \(ratio)") }
            return try NoiseModel(kind: kind, ratio: Float(ratio))
        }
        if ratio != nil { throw FieldError("noise.p", "is set by the sweep's grid; give only the model") }
        return try NoiseModel(kind: kind, ratio: 0)
    }

    private mutating func window() throws -> StepWindow? {
        guard let raw = fields.value("window") else { return nil }
        do {
            if let text = raw as? String { return try StepWindow(parsing: text) }
            if let object = raw as? [String: Any] {
                var w = JSONFields(object, path: "window")
                guard let from = try w.integer("from", in: 0...limits.maxSteps), let to = try w.integer("to", in: 0...limits.maxSteps) else {
                    throw FieldError("window", "needs from and to")
                }
                try w.rejectUnknown()
                return try StepWindow(from: from, to: to)
            }
        } catch let error as DynamicsError {
            throw FieldError("window", "\(error)")
        }
        throw FieldError("window", "must be {\"from\": F, \"to\": T} or \"F:T\"")
    }

    /// The input of a dynamics run or of a single-input sweep.
    mutating func input(_ request: HTTPRequest) throws -> DynamicsInput {
        let classes = model.bundle.description.classNames.count
        let label = try fields.integer("label", in: 0...(classes - 1))
        let decoder = InputDecoder(model: model)
        switch Self.mediaType(request) {
        case "application/json":
            guard var image = try fields.object("image") else { throw FieldError("image", "is required") }
            return try decoder.decode(&image, label: label)
        default:
            return try decoder.decode(bytes: request.body, field: "body", label: label)
        }
    }

    func checkBudget(_ chainSteps: Int, what: String) throws {
        guard chainSteps <= limits.maxChainSteps else {
            throw FieldError(what, "asks for \(chainSteps) chain-steps; this server allows \(limits.maxChainSteps) per request")
        }
    }
}
