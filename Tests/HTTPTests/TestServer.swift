import Foundation
import HTTP

/// A server on a free loopback port, shut down and awaited when `body` returns.
func withServer(router: Router = TestRoutes.router(), host: String = "127.0.0.1",
                configure: (inout HTTPServer.Configuration) -> Void = { _ in },
                errorResponse: @escaping @Sendable (HTTPError) -> HTTPResponse = HTTPResponse.plain,
                _ body: (HTTPServer, UInt16) throws -> Void) throws {
    var configuration = HTTPServer.Configuration()
    configuration.host = host
    configuration.port = 0
    configuration.shutdownGracePeriod = .seconds(2)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, router: router, errorResponse: errorResponse)
    try server.start()
    defer {
        server.shutdown()
        server.wait()
    }
    try body(server, server.port!)
}

/// Blocks until `condition` holds, polling; false if it never does within `seconds`. Used
/// to wait for something to happen, never to measure how long it took.
func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// Shared state a streaming test handler reports through.
final class StreamProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var _flushed = 0
    private var _cancelled = false
    private var _finished = false
    let release = DispatchSemaphore(value: 0)

    var flushed: Int { lock.withLock { _flushed } }
    var cancelled: Bool { lock.withLock { _cancelled } }
    var finished: Bool { lock.withLock { _finished } }

    func add(_ count: Int) { lock.withLock { _flushed += count } }
    func markCancelled() { lock.withLock { _cancelled = true } }
    func markFinished() { lock.withLock { _finished = true } }
}

enum TestRoutes {
    static let bigText = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 300)

    static func router(probe: StreamProbe = StreamProbe(), staticRoot: String? = nil) -> Router {
        var router = Router()
        router.get("/") { _ in .text("root") }
        router.get("/healthz") { _ in .text("ok") }
        router.post("/echo") { request in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        }
        router.get("/models/:id") { request in
            .json(Array("{\"id\":\(request.pathParameters["id"]!.debugDescription)}".utf8))
        }
        router.delete("/models/:id") { _ in HTTPResponse(status: .noContent) }
        router.get("/big") { _ in .text(bigText) }
        router.get("/fail") { _ in throw HTTPError(.conflict, code: "busy", message: "try later") }
        router.get("/crash") { _ in throw CancellationError() }
        router.get("/stream") { request in
            let count = Int(request.queryValue("n") ?? "3") ?? 3
            return HTTPResponse(headers: ["Content-Type": "application/x-ndjson"]) { writer in
                for index in 0..<count {
                    try writer.write("{\"record\":\(index)}\n")
                    try writer.flush()
                }
            }
        }
        router.get("/stream-fails-at-once") { _ in
            HTTPResponse { _ in throw CancellationError() }
        }
        router.get("/stream-refuses-at-once") { _ in
            HTTPResponse { _ in throw HTTPError(.serviceUnavailable, code: "busy", message: "later", headers: ["Retry-After": "3"]) }
        }
        // Ticks until the server asks it to stop, then ends its body with a last line.
        router.get("/until-stopped") { _ in
            HTTPResponse { writer in
                while !writer.isStopRequested {
                    try writer.write("tick\n")
                    try writer.flush()
                    usleep(1_000)
                }
                try writer.write("bye\n")
            }
        }
        // Writes 64 KiB records, counting what was flushed, until told to stop.
        router.get("/flood") { request in
            let records = Int(request.queryValue("records") ?? "512") ?? 512
            return HTTPResponse { writer in
                let record = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
                for _ in 0..<records {
                    try writer.write(record)
                    try writer.flush()
                    probe.add(record.count)
                }
                probe.markFinished()
            }
        }
        // Streams until the client goes away.
        router.get("/forever") { _ in
            HTTPResponse { writer in
                writer.onCancel { probe.markCancelled() }
                while !writer.isCancelled {
                    try? writer.write("tick\n")
                    try? writer.flush()
                    usleep(1_000)
                }
                probe.markFinished()
            }
        }
        // Streams one record, then waits for the test to release it.
        router.get("/held") { _ in
            HTTPResponse { writer in
                try writer.write("first\n")
                try writer.flush()
                _ = probe.release.wait(timeout: .now() + 10)
                try writer.write("last\n")
                probe.markFinished()
            }
        }
        if let staticRoot {
            router.mount(StaticFiles(root: staticRoot), at: "/static/")
        }
        return router
    }
}
