import Dispatch
import Dynamics
import Foundation
import HTTP
import VAE

/// The vaedyn API on the hand-rolled server: the models in memory, the dynamics engine
/// behind one compute gate that all models share, the page and its vendor scripts as
/// static files.
public final class VaedynService: Sendable {
    public let settings: ServiceSettings
    /// What requests may name; `catalog.defaultModel` answers those that name none.
    public let catalog: ModelCatalog
    /// By id.
    let served: [String: ServedModel]
    let metrics = ServiceMetrics()
    let gate: ComputeGate

    /// Loads every model the settings name; one file that is missing, truncated, corrupted
    /// or that repeats another's id stops the start with a message naming it.
    public init(settings: ServiceSettings) throws {
        var settings = settings
        settings.server.tls = try settings.loadTLS()
        self.settings = settings
        let paths = try settings.modelPaths()
        var loaded: [ServedModel] = []
        for path in paths {
            let model = try ServedModel(path: path)
            if let twin = zip(paths, loaded).first(where: { $0.1.id == model.id }) {
                throw SettingsError("model file \(path) has the id '\(model.id)' of \(twin.0); each served model needs its own id")
            }
            loaded.append(model)
        }
        // models.default names an id or one of the files.
        let defaultID = settings.defaultModel.map { wanted in paths.firstIndex(of: wanted).map { loaded[$0].id } ?? wanted }
        if let defaultID, !loaded.contains(where: { $0.id == defaultID }) {
            throw SettingsError("models.default", "'\(defaultID)' is neither the id of a served model (\(loaded.map(\.id).joined(separator: ", "))) nor one of its files")
        }
        catalog = ModelCatalog(loaded.map(\.model), defaultID: defaultID)
        served = Dictionary(uniqueKeysWithValues: loaded.map { ($0.id, $0) })
        gate = ComputeGate(limits: settings.limits, metrics: metrics)
        // The resident memory the settings allow (docs/reliability.md), published in /metrics.
        metrics.setMemory(MemoryBound(architectures: catalog.models.map(\.architecture), limits: settings.limits,
                                      idleBytes: MemoryBound.residentBytes()), models: loaded)
    }

    /// The model requests get when they name none.
    public var model: DynamicsModel { catalog.defaultModel }

    /// The served model `id` names (the default for nil), or a 422 on `model`.
    func servedModel(_ id: String?) throws -> ServedModel {
        served[try catalog.model(id).id]!
    }

    /// Every route, instrumented for /metrics, plus the static mounts.
    public var router: Router {
        var router = Router()
        let routes: [(HTTPMethod, String, HTTPHandler)] = [
            (.post, "/dynamics", dynamics), (.post, "/sweep", sweep), (.post, "/encode", encode),
            (.get, "/concepts", concepts), (.get, "/exemplars", exemplars), (.get, "/models", modelList),
            (.get, "/model", modelInfo), (.get, "/model/:id", modelInfo),
            (.get, "/healthz", health), (.get, "/metrics", metricsText), (.get, "/openapi.json", openAPI),
        ]
        for (method, path, handler) in routes { router.on(method, path, instrumented(path, handler)) }
        router.mount(StaticFiles(root: settings.publicRoot), at: "/")
        if FileManager.default.fileExists(atPath: settings.vendorRoot) {
            router.mount(StaticFiles(root: settings.vendorRoot, indexFile: nil), at: settings.vendorPrefix)
        }
        return router
    }

    public func makeServer() -> HTTPServer {
        // Every stream is a computation the gate admits: the pool needs a thread for each
        // that may run, and no more.
        var configuration = settings.server
        configuration.producerThreads = settings.limits.maxConcurrent
        return HTTPServer(configuration: configuration, router: router, errorResponse: ErrorResponse.make)
    }

    /// Field errors become 422s (answered by the server through `ErrorResponse`); a
    /// response's duration and status are recorded when it ends (for a stream, when the
    /// stream does), an error's when it is thrown.
    func instrumented(_ route: String, _ handler: @escaping HTTPHandler) -> HTTPHandler {
        let metrics = metrics
        return { request in
            let start = DispatchTime.now()
            let elapsed: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
            var response: HTTPResponse
            do { response = try handler(request) } catch {
                let answer = (error as? FieldError)?.httpError ?? error as? HTTPError ?? .internalError
                metrics.record(route: route, status: Int(answer.status.code), seconds: elapsed())
                throw answer
            }
            guard case .stream(let producer) = response.body else {
                metrics.record(route: route, status: Int(response.status.code), seconds: elapsed())
                return response
            }
            // A stream is counted with the status the client really got (a 503 from the
            // queue, the error of a producer that failed before its first byte), once both
            // that answer is known and the producer, if it ever started, has ended.
            let outcome = StreamOutcome { status in metrics.record(route: route, status: status, seconds: elapsed()) }
            response.body = .stream { writer in
                outcome.producerStarted()
                defer { outcome.producerEnded() }
                try producer(writer)
            }
            response.onAnswered = { outcome.answered(Int($0.code)) }
            return response
        }
    }
}
