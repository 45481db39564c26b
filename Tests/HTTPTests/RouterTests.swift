import HTTP
import XCTest

final class RouterTests: XCTestCase {
    private func request(_ method: HTTPMethod, _ path: String) -> HTTPRequest {
        HTTPRequest(method: method, target: path, path: path)
    }

    private func text(_ response: HTTPResponse) -> String {
        guard case .bytes(let bytes) = response.body else { return "<stream>" }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testParametersAreCapturedAndDecoded() {
        var router = Router()
        router.get("/models/:id/samples/:n") { request in
            .text("\(request.pathParameters["id"]!)|\(request.pathParameters["n"]!)")
        }
        let response = router.respond(to: request(.get, "/models/a%2Fb%20c/samples/3"))
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(text(response), "a/b c|3")
        XCTAssertEqual(router.respond(to: request(.get, "/models//samples/3")).status, .notFound)
        XCTAssertEqual(router.respond(to: request(.get, "/models/%zz/samples/3")).status, .notFound)
    }

    func testUnknownPathIs404WithJSONBody() {
        let response = Router().respond(to: request(.get, "/nothing"))
        XCTAssertEqual(response.status, .notFound)
        XCTAssertEqual(response.headers["Content-Type"], "application/json")
        XCTAssertEqual(text(response), #"{"error":{"code":"not_found","message":"No such resource"}}"#)
    }

    func testWrongMethodIs405WithAllow() {
        var router = Router()
        router.get("/models/:id") { _ in .text("get") }
        router.delete("/models/:id") { _ in .text("delete") }
        let response = router.respond(to: request(.post, "/models/1"))
        XCTAssertEqual(response.status, .methodNotAllowed)
        XCTAssertEqual(response.headers["Allow"], "GET, DELETE, HEAD")
        XCTAssert(text(response).contains("\"code\":\"method_not_allowed\""))
    }

    func testHeadFallsBackToGet() {
        var router = Router()
        router.get("/thing") { _ in .text("body") }
        XCTAssertEqual(text(router.respond(to: request(.head, "/thing"))), "body")
    }

    func testThrownErrorsBecomeJSON() {
        var router = Router()
        router.get("/busy") { _ in throw HTTPError(.conflict, code: "busy", message: "say \"later\"") }
        router.get("/broken") { _ in throw CancellationError() }
        let busy = router.respond(to: request(.get, "/busy"))
        XCTAssertEqual(busy.status, .conflict)
        XCTAssertEqual(text(busy), #"{"error":{"code":"busy","message":"say \"later\""}}"#)
        let broken = router.respond(to: request(.get, "/broken"))
        XCTAssertEqual(broken.status, .internalServerError)
        XCTAssert(text(broken).contains("internal_error"))
    }

    func testRoutesWinOverMountsAndLongestMountWins() throws {
        let root = try TemporaryFolder()
        try root.write("index.html", "site")
        try root.write("vendor/lib.js", "site's vendor")
        let vendor = try TemporaryFolder()
        try vendor.write("lib.js", "vendored")
        var router = Router()
        router.mount(StaticFiles(root: root.path), at: "/")
        router.mount(StaticFiles(root: vendor.path), at: "/vendor")
        router.get("/healthz") { _ in .text("ok") }
        XCTAssertEqual(text(router.respond(to: request(.get, "/healthz"))), "ok")
        XCTAssertEqual(text(router.respond(to: request(.get, "/"))), "site")
        XCTAssertEqual(text(router.respond(to: request(.get, "/vendor/lib.js"))), "vendored")
        XCTAssertEqual(router.respond(to: request(.post, "/vendor/lib.js")).status, .methodNotAllowed)
    }

    func testQueryItems() {
        var request = request(.get, "/")
        request.query = "a=1&b=two+words&c=%C3%A9&d&a=2"
        XCTAssertEqual(request.queryItems.map(\.name), ["a", "b", "c", "d", "a"])
        XCTAssertEqual(request.queryValue("b"), "two words")
        XCTAssertEqual(request.queryValue("c"), "é")
        XCTAssertEqual(request.queryValue("d"), "")
        XCTAssertEqual(request.queryValue("a"), "1")
    }
}

/// A folder under /tmp removed when the value goes away.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("http-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func link(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: destination)
    }
}
