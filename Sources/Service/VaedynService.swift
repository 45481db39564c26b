import Dispatch
import Dynamics
import Foundation
import HTTP
import VAE

/// The vaedyn API on the hand-rolled server: one model in memory, the dynamics engine
/// behind a compute gate, the page and its vendor scripts as static files.
public final class VaedynService: Sendable {
    public let settings: ServiceSettings
    public let model: DynamicsModel
    let metrics = ServiceMetrics()
    let gate: ComputeGate
    let file: ModelDocument.FileInfo
    let documents: DocumentCache
    /// Decoded concept images and projections, computed once at start.
    let conceptImages: [[Float]]
    /// The resident memory the settings allow (documented in docs/reliability.md).
    let memory: MemoryBound

    /// Loads the model named in the settings; a missing, truncated or corrupted file is an
    /// error whose message names the file and the problem.
    public init(settings: ServiceSettings) throws {
        var settings = settings
        settings.server.tls = try settings.loadTLS()
        self.settings = settings
        let url = URL(fileURLWithPath: settings.modelPath)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SettingsError("model file \(settings.modelPath) cannot be read (\(error.localizedDescription))")
        }
        do { model = try DynamicsModel(bundle: try ModelBundle(data: data)) } catch {
            throw SettingsError("model file \(settings.modelPath): \(error)")
        }
        file = ModelDocument.FileInfo(name: url.lastPathComponent, bytes: data.count, sha256: SHA256.hex(data))
        documents = DocumentCache(modelSHA256: file.sha256)
        gate = ComputeGate(limits: settings.limits, metrics: metrics)
        conceptImages = Self.decode(model.bundle.conceptVectors, network: model.network)
        memory = MemoryBound(architecture: model.architecture, limits: settings.limits, idleBytes: MemoryBound.residentBytes())
        metrics.setMemory(memory)
    }

    static func decode(_ vectors: [[Float]], network: Network) -> [[Float]] {
        let a = network.architecture
        let ws = Workspace(a, capacity: max(vectors.count, 1))
        for (i, v) in vectors.enumerated() { (ws.latent.view + i * a.latentSize).prefix(a.latentSize).update(from: v) }
        network.decode(rows: vectors.count, workspace: ws)
        let images = FloatBuffer(count: vectors.count * a.inputSize)
        VectorMath.sigmoid(ws.logits.view, images.view, count: images.count)
        return (0..<vectors.count).map { Array(images.array[$0 * a.inputSize..<($0 + 1) * a.inputSize]) }
    }

    /// Every route, instrumented for /metrics, plus the static mounts.
    public var router: Router {
        var router = Router()
        let routes: [(HTTPMethod, String, HTTPHandler)] = [
            (.post, "/dynamics", dynamics), (.post, "/sweep", sweep),
            (.get, "/concepts", concepts), (.get, "/exemplars", exemplars), (.get, "/model", modelInfo),
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
        HTTPServer(configuration: settings.server, router: router)
    }

    /// Field errors become 422 responses; a response's duration and status are recorded
    /// when it ends (for a stream, when the stream does).
    func instrumented(_ route: String, _ handler: @escaping HTTPHandler) -> HTTPHandler {
        let metrics = metrics
        return { request in
            let start = DispatchTime.now()
            let elapsed: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
            var response: HTTPResponse
            do { response = try handler(request) } catch let error as FieldError {
                response = .error(error.httpError)
            } catch let error as HTTPError {
                response = .error(error)
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
