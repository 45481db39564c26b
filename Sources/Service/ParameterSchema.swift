import Dynamics
import Foundation

/// The OpenAPI schemas of RunParameter.all as RequestParameters reads them: a JSON body
/// property for each experiment, and a query parameter of /dynamics for raw image bodies.
enum ParameterSchema {
    /// The property of a request body to `experiment`; a parameter it does not take is a
    /// constant, its default.
    static func property(_ parameter: RunParameter, for experiment: RunParameter.Experiment) -> [String: Any] {
        let fallback = jsonObject(RequestParameters.defaultValue(parameter, in: experiment))
        guard RequestParameters.takes(parameter, in: experiment) else {
            return ["const": fallback ?? NSNull(), "description": "\(parameter.meaning); \(RequestParameters.refusal(parameter, in: experiment)), so only this value is accepted"]
        }
        var schema: [String: Any]
        switch parameter.kind {
        case .integer(let range):
            schema = ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound]
        case .boolean:
            schema = ["type": "boolean"]
        case .choice(let choices):
            schema = ["enum": choices]
        case .noise:
            let kinds = NoiseModel.Kind.allCases.map(\.rawValue)
            let ratio: [String: Any] = experiment == .sweep ? ["const": 0] : ["type": "number", "minimum": 0, "maximum": 1]
            let required = experiment == .sweep ? ["kind"] : ["kind", "ratio"]
            schema = ["oneOf": [
                ["type": "object", "required": required, "properties": ["kind": ["enum": kinds], "ratio": ratio], "additionalProperties": false],
                ["type": "string", "description": "alias: KIND:RATIO, e.g. replace:0.2 (a sweep takes KIND alone)"],
                ["type": "object", "required": experiment == .sweep ? ["model"] : ["model", "p"],
                 "properties": ["model": ["enum": kinds], "p": ratio], "additionalProperties": false,
                 "description": "alias, the older form: model for kind, p for ratio"],
            ]]
        case .window:
            schema = ["oneOf": [
                ["type": "object", "required": ["from", "to"], "additionalProperties": false,
                 "properties": ["from": ["type": "integer", "minimum": 0], "to": ["type": "integer", "minimum": 0]]],
                ["type": "string", "pattern": "^[0-9]+:[0-9]+$", "description": "alias: FROM:TO"],
            ]]
        case .mask:
            let image: [String: Any] = ["type": "string", "contentEncoding": "base64"]
            schema = ["oneOf": [
                ["type": "string", "description": "top-half, bottom-half, left-half, right-half, random:F[:SEED], square:X,Y,W,H"],
                ["type": "array", "items": ["type": "integer", "minimum": 0], "minItems": 1, "description": "the hidden pixels' indices"],
                ["type": "object", "properties": ["png": image, "pgm": image], "minProperties": 1, "maxProperties": 1, "additionalProperties": false,
                 "description": "an image of the model's size, white (>= 128) where hidden"],
            ]]
        }
        if let fallback { schema["default"] = fallback }
        var description = parameter.meaning
        if let limit = parameter.limit {
            // The document is the same on every server; GET /model gives this one's limits.
            description += "; at most the server's \(limit.rawValue) (GET /model), which also caps the default"
        }
        schema["description"] = description
        return schema
    }

    /// The query parameter of /dynamics with a raw image body: query values are numbers,
    /// true or false, or text, so noise and window take their text forms there.
    static func query(_ parameter: RunParameter) -> [String: Any] {
        var schema = property(parameter, for: .dynamics)
        switch parameter.kind {
        case .noise: schema = ["type": "string", "description": "KIND:RATIO, e.g. replace:0.2"]
        case .window: schema = ["type": "string", "pattern": "^[0-9]+:[0-9]+$", "description": "FROM:TO"]
        case .mask: schema = ["type": "string", "description": "a mask name: top-half, bottom-half, left-half, right-half, random:F[:SEED], square:X,Y,W,H"]
        default: break
        }
        let description = schema.removeValue(forKey: "description") ?? parameter.meaning
        return ["name": parameter.name, "in": "query", "schema": schema, "description": description]
    }

    /// Whether both endpoints take the parameter alike (it then belongs to ChainOptions).
    static func same(_ parameter: RunParameter) -> Bool {
        let text = { (schema: [String: Any]) in try? JSONSerialization.data(withJSONObject: schema, options: .sortedKeys) }
        return text(property(parameter, for: .dynamics)) == text(property(parameter, for: .sweep))
    }

    /// A value as JSONSerialization holds it; nil for an absent window or mask.
    static func jsonObject(_ value: RunParameter.Value) -> Any? {
        value.json.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
    }
}
