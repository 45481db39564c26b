import Dynamics
import HTTP

extension VaedynService {
    /// POST /encode: q(z | x) of one image (`image`) or of several (`images`, at most
    /// limits.maxSweepInputs), each in any form /dynamics takes, from its grey levels as
    /// `vaedyn encode` prints them. An encoder pass per image costs far less than one chain
    /// step, so it takes no compute slot.
    func encode(_ request: HTTPRequest) throws -> HTTPResponse {
        guard ChainRequest.mediaType(request) == "application/json" else { throw HTTPError.unsupportedMediaType(request.headers["Content-Type"]) }
        var fields = try JSONFields.parse(request.body)
        let id = try fields.string("model")
        if let id, let query = request.queryValue("model"), id != query { throw FieldError("model", "the body names '\(id)' and the query '\(query)'; name one") }
        let served = try servedModel(id ?? request.queryValue("model"))
        let decoder = InputDecoder(model: served.model)
        var inputs: [DynamicsInput] = []
        if var image = try fields.object("image") {
            if fields.has("images") { throw FieldError("images", "give image or images, not both") }
            inputs = [try decoder.decode(&image, label: nil)]
        } else if let list = try fields.array("images") {
            let most = settings.limits.maxSweepInputs
            guard (1...most).contains(list.count) else { throw FieldError("images", "must hold 1...\(most) images (limits.maxSweepInputs), got \(list.count)") }
            inputs = try list.enumerated().map { i, value in
                guard let object = value as? [String: Any] else { throw FieldError("images[\(i)]", "must be an image object") }
                var image = JSONFields(object, path: "images[\(i)]")
                return try decoder.decode(&image, label: nil)
            }
        } else {
            throw FieldError("image", "is required (or images, a list of them)")
        }
        try fields.rejectUnknown()
        let encodings = served.model.encodings(of: inputs.map(\.pixels))
        let items = zip(inputs, encodings).map { input, e in
            EncodingsDocument.Item(source: input.info.source, label: input.label, testIndex: input.info.testIndex, mean: e.mean, logVariance: e.logVariance)
        }
        return .json(try JSONBody.encode(EncodingsDocument(model: served.id, latentSize: served.model.architecture.latentSize, encodings: items)))
    }
}

/// The body of POST /encode.
struct EncodingsDocument: Encodable {
    struct Item: Encodable {
        var source: String
        var label: Int?
        var testIndex: Int?
        var mean: [Float]
        var logVariance: [Float]
    }

    var model: String
    var latentSize: Int
    var encodings: [Item]
}
