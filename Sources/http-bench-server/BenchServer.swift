import HTTP

/// The server `scripts/bench-http` measures: `/healthz` and a static folder, nothing else.
/// Usage: http-bench-server PORT ROOT [EVENT_QUEUES]
@main
struct BenchServer {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 || arguments.count == 4, let port = UInt16(arguments[1]),
              let queues = arguments.count == 4 ? Int(arguments[3]).flatMap({ $0 > 0 ? $0 : nil }) : 0 else {
            print("usage: http-bench-server PORT ROOT [EVENT_QUEUES]")
            return
        }
        var router = Router()
        router.get("/healthz") { _ in .text("ok") }
        router.mount(StaticFiles(root: arguments[2]), at: "/")
        var configuration = HTTPServer.Configuration()
        configuration.port = port
        if queues > 0 { configuration.eventQueueCount = queues }
        try HTTPServer(configuration: configuration, router: router).run()
    }
}
