import Hummingbird

/// The same two resources as http-bench-server: `/healthz` and a static folder.
/// Usage: HummingbirdPeer PORT ROOT
@main
struct HummingbirdPeer {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, let port = Int(arguments[1]) else {
            print("usage: HummingbirdPeer PORT ROOT")
            return
        }
        let router = Router()
        router.add(middleware: FileMiddleware(arguments[2], searchForIndexHtml: false))
        router.get("/healthz") { _, _ in "ok" }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
