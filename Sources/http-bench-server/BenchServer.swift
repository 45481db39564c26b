import HTTP

/// The server `scripts/bench-http` measures: `/healthz` and a static folder, nothing else.
/// Usage: http-bench-server PORT ROOT
@main
struct BenchServer {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, let port = UInt16(arguments[1]) else {
            print("usage: http-bench-server PORT ROOT")
            return
        }
        var router = Router()
        router.get("/healthz") { _ in .text("ok") }
        router.mount(StaticFiles(root: arguments[2]), at: "/")
        var configuration = HTTPServer.Configuration()
        configuration.port = port
        try HTTPServer(configuration: configuration, router: router).run()
    }
}
