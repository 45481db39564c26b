import Dynamics
import HTTP

extension VaedynService {
    /// GET /concepts: every concept with its vector, decoded image and projection;
    /// `?fields=vector,image,projection` keeps only the parts named.
    func concepts(_ request: HTTPRequest) throws -> HTTPResponse {
        let parts = ["vector", "image", "projection"]
        var wanted = Set(parts)
        if let fields = request.queryValue("fields") {
            wanted = Set(fields.split(separator: ",").map(String.init).filter { !$0.isEmpty })
            if let unknown = wanted.subtracting(parts).sorted().first {
                throw FieldError("fields", "'\(unknown)' is not one of \(parts.joined(separator: ", "))")
            }
        }
        return try documents.response("concepts-" + parts.filter(wanted.contains).joined(separator: ",")) {
            try conceptsBody(wanted)
        }
    }

    private func conceptsBody(_ wanted: Set<String>) throws -> [UInt8] {
        let vectors = model.bundle.conceptVectors
        let concepts = model.concepts.enumerated().map { i, c in
            ConceptsDocument.Concept(
                id: c.id, label: c.label, level: c.level, parent: c.parent, count: c.count,
                vector: wanted.contains("vector") ? vectors[i] : nil,
                image: wanted.contains("image") ? conceptImages[i] : nil,
                projection: wanted.contains("projection") && model.hasProjection ? vectors[i].withUnsafeBufferPointer { model.project($0.baseAddress!) } : nil)
        }
        return try JSONBody.encode(ConceptsDocument(model: model.id, latentSize: model.architecture.latentSize, concepts: concepts))
    }

    /// GET /exemplars: the test images stored in the model file, `?digit=` for one class.
    func exemplars(_ request: HTTPRequest) throws -> HTTPResponse {
        let classes = model.bundle.description.classNames.count
        var digit: Int?
        if let text = request.queryValue("digit") {
            guard let d = Int(text), (0..<classes).contains(d) else { throw FieldError("digit", "must be a class 0...\(classes - 1), got '\(text)'") }
            digit = d
        }
        return try documents.response("exemplars-" + (digit.map(String.init) ?? "all")) { try exemplarsBody(digit: digit) }
    }

    private func exemplarsBody(digit: Int?) throws -> [UInt8] {
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

    /// GET /model: architecture, training record, metrics, the file's checksum and the
    /// limits on a request. The settings are fixed for the service's lifetime, so the
    /// limits are known when the document is first encoded and cached.
    func modelInfo(_ request: HTTPRequest) throws -> HTTPResponse {
        let d = model.bundle.description
        let limits = ModelDocument.Limits(settings.limits)
        return try documents.response("model-limits-" + limits.tag) {
            try JSONBody.encode(ModelDocument(
                id: d.id, dataset: d.dataset, architecture: d.architecture, classNames: d.classNames, training: d.training,
                metrics: d.metrics, concepts: d.concepts, exemplarCount: d.exemplars.count, projectionVariance: d.projectionVariance, file: file,
                limits: limits))
        }
    }

    func health(_ request: HTTPRequest) throws -> HTTPResponse {
        .json(try JSONBody.encode(HealthDocument(status: "ok", model: model.id, computationsRunning: gate.running, computationsWaiting: gate.waiting)))
    }

    func metricsText(_ request: HTTPRequest) throws -> HTTPResponse {
        HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: Array(metrics.render().utf8))
    }

    func openAPI(_ request: HTTPRequest) throws -> HTTPResponse {
        .json(Array(OpenAPIDocument.json.utf8))
    }
}
