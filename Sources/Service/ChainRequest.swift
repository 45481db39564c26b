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
        case let type? where Self.imageMediaTypes.contains(type):
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

    /// Raw image bodies /dynamics takes (and its OpenAPI document lists): image/x-portable-anymap
    /// is PNM's type, which PGM files are often sent as.
    static let imageMediaTypes = ["image/png", "image/x-portable-graymap", "image/x-portable-anymap"]

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
    mutating func parameters(for experiment: RunParameter.Experiment) throws -> DynamicsParameters {
        try RequestParameters(limits: limits, experiment: experiment, model: model).decode(&fields)
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
