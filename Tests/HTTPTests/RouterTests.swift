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

    /// The router's answer, or the error it threw: the connection turns that into a response.
    private func answer(_ router: Router, _ request: HTTPRequest) -> Result<HTTPResponse, Error> {
        Result { try router.respond(to: request) }
    }

    private func status(_ router: Router, _ request: HTTPRequest) -> HTTPStatus? {
        switch answer(router, request) {
        case .success(let response): response.status
        case .failure(let error): (error as? HTTPError)?.status
        }
    }

    private func thrown(_ router: Router, _ request: HTTPRequest) -> HTTPError? {
        if case .failure(let error) = answer(router, request) { return error as? HTTPError }
        return nil
    }

    func testParametersAreCapturedAndDecoded() {
        var router = Router()
        router.get("/models/:id/samples/:n") { request in
            .text("\(request.pathParameters["id"]!)|\(request.pathParameters["n"]!)")
        }
        let response = try? router.respond(to: request(.get, "/models/a%2Fb%20c/samples/3"))
        XCTAssertEqual(response?.status, .ok)
        XCTAssertEqual(response.map(text), "a/b c|3")
        XCTAssertEqual(status(router, request(.get, "/models//samples/3")), .notFound)
        XCTAssertEqual(status(router, request(.get, "/models/%zz/samples/3")), .notFound)
    }

    func testUnknownPathThrows404() {
        XCTAssertEqual(thrown(Router(), request(.get, "/nothing")), .notFound())
    }

    func testWrongMethodIs405WithAllow() {
        var router = Router()
        router.get("/models/:id") { _ in .text("get") }
        router.delete("/models/:id") { _ in .text("delete") }
        let error = thrown(router, request(.post, "/models/1"))
        XCTAssertEqual(error?.status, .methodNotAllowed)
        XCTAssertEqual(error?.headers["Allow"], "GET, DELETE, HEAD")
        XCTAssertEqual(error?.code, "method_not_allowed")
    }

    func testHeadFallsBackToGet() {
        var router = Router()
        router.get("/thing") { _ in .text("body") }
        XCTAssertEqual((try? router.respond(to: request(.head, "/thing"))).map(text), "body")
    }

    func testHandlerErrorsPassThroughForTheConnectionToAnswer() {
        var router = Router()
        router.get("/busy") { _ in throw HTTPError(.conflict, code: "busy", message: "say \"later\"") }
        router.get("/broken") { _ in throw CancellationError() }
        XCTAssertEqual(thrown(router, request(.get, "/busy")), HTTPError(.conflict, code: "busy", message: "say \"later\""))
        guard case .failure(let error) = answer(router, request(.get, "/broken")) else { return XCTFail("no error") }
        XCTAssert(error is CancellationError)
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
        XCTAssertEqual(try text(router.respond(to: request(.get, "/healthz"))), "ok")
        XCTAssertEqual(try text(router.respond(to: request(.get, "/"))), "site")
        XCTAssertEqual(try text(router.respond(to: request(.get, "/vendor/lib.js"))), "vendored")
        XCTAssertEqual(status(router, request(.post, "/vendor/lib.js")), .methodNotAllowed)
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
