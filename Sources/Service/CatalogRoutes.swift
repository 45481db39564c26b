import Dynamics
import HTTP

extension VaedynService {
    /// GET /concepts: every concept of `?model=` (default the default model) with its
    /// vector, decoded image and projection; `?fields=vector,image,projection` keeps only
    /// the parts named.
    func concepts(_ request: HTTPRequest) throws -> HTTPResponse {
        let served = try servedModel(request.queryValue("model"))
        let parts = ["vector", "image", "projection"]
        var wanted = Set(parts)
        if let fields = request.queryValue("fields") {
            wanted = Set(fields.split(separator: ",").map(String.init).filter { !$0.isEmpty })
            if let unknown = wanted.subtracting(parts).sorted().first {
                throw FieldError("fields", "'\(unknown)' is not one of \(parts.joined(separator: ", "))")
            }
        }
        return try served.documents.response("concepts-" + parts.filter(wanted.contains).joined(separator: ",")) {
            try conceptsBody(served, wanted)
        }
    }

    private func conceptsBody(_ served: ServedModel, _ wanted: Set<String>) throws -> [UInt8] {
        let model = served.model
        let vectors = model.bundle.conceptVectors
        let concepts = model.concepts.enumerated().map { i, c in
            ConceptsDocument.Concept(
                id: c.id, label: c.label, level: c.level, parent: c.parent, children: model.children(of: i).map { model.concepts[$0].id }, count: c.count,
                vector: wanted.contains("vector") ? vectors[i] : nil,
                image: wanted.contains("image") ? served.conceptImages[i] : nil,
                projection: wanted.contains("projection") && model.hasProjection ? vectors[i].withUnsafeBufferPointer { model.project($0.baseAddress!) } : nil)
        }
        return try JSONBody.encode(ConceptsDocument(model: model.id, latentSize: model.architecture.latentSize, levels: model.levels,
                                                    tree: model.bundle.description.conceptTree ?? .paper, concepts: concepts))
    }

    /// GET /exemplars: the test images stored in the file of `?model=`, `?digit=` for one class.
    func exemplars(_ request: HTTPRequest) throws -> HTTPResponse {
        let served = try servedModel(request.queryValue("model"))
        let model = served.model
        let classes = model.bundle.description.classNames.count
        var digit: Int?
        if let text = request.queryValue("digit") {
            guard let d = Int(text), (0..<classes).contains(d) else { throw FieldError("digit", "must be a class 0...\(classes - 1), got '\(text)'") }
            digit = d
        }
        return try served.documents.response("exemplars-" + (digit.map(String.init) ?? "all")) { try exemplarsBody(model, digit: digit) }
    }

    private func exemplarsBody(_ model: DynamicsModel, digit: Int?) throws -> [UInt8] {
        var perClass: [Int: Int] = [:]
        var list: [ExemplarsDocument.Exemplar] = []
        for (info, pixels) in zip(model.bundle.description.exemplars, model.bundle.exemplarPixels) {
            let index = perClass[info.label, default: 0]
            perClass[info.label] = index + 1
            if digit == nil || digit == info.label {
                list.append(.init(digit: info.label, index: index, testIndex: info.testIndex, pixels: pixels))
            }
        }
        return try JSONBody.encode(ExemplarsDocument(model: model.id, exemplars: list))
    }

    /// GET /model/{id} (or /model, `?model=`, default the default model): architecture,
    /// training record, metrics, the file's checksum and the limits on a request. The
    /// settings are fixed for the service's lifetime, so the limits are known when the
    /// document is first encoded and cached.
    func modelInfo(_ request: HTTPRequest) throws -> HTTPResponse {
        let served = try servedModel(request.pathParameters["id"] ?? request.queryValue("model"))
        let limits = ModelDocument.Limits(settings.limits)
        return try served.documents.response("model-limits-" + limits.tag) {
            try JSONBody.encode(ModelDocument(served, limits: limits, isDefault: served.id == catalog.defaultModel.id))
        }
    }

    /// GET /models: every served model's /model document, the default marked.
    func modelList(_ request: HTTPRequest) throws -> HTTPResponse {
        let limits = ModelDocument.Limits(settings.limits)
        let list = catalog.models.map { ModelDocument(served[$0.id]!, limits: limits, isDefault: $0.id == catalog.defaultModel.id) }
        return .json(try JSONBody.encode(ModelListDocument(defaultModel: catalog.defaultModel.id, models: list)))
    }

    func health(_ request: HTTPRequest) throws -> HTTPResponse {
        .json(try JSONBody.encode(HealthDocument(status: "ok", model: model.id, models: catalog.ids, computationsRunning: gate.running, computationsWaiting: gate.waiting)))
    }

    func metricsText(_ request: HTTPRequest) throws -> HTTPResponse {
        HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: Array(metrics.render().utf8))
    }

    func openAPI(_ request: HTTPRequest) throws -> HTTPResponse {
        .json(Array(OpenAPIDocument.json.utf8))
    }
}
