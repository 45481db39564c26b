import CZlib
import Foundation
import HTTP
import XCTest

/// Static files and gzip over loopback.
final class ContentTests: XCTestCase {
    private func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        XCTAssertEqual(vaedyn_inflate_init_auto(&stream), Z_OK)
        defer { inflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: 1 << 20)
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        XCTAssertEqual(status, Z_STREAM_END)
        return Array(output[..<Int(stream.total_out)])
    }

    func testGzipWhenAcceptedAndWorthIt() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /big HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br, gzip;q=0.8\r\n\r\n")
            let compressed = try client.readResponse()
            XCTAssertEqual(compressed.header("Content-Encoding"), "gzip")
            XCTAssertEqual(compressed.header("Vary"), "Accept-Encoding")
            XCTAssertLessThan(compressed.body.count, TestRoutes.bigText.utf8.count / 4)
            XCTAssertEqual(String(decoding: try gunzip(compressed.body), as: UTF8.self), TestRoutes.bigText)

            for refusal in ["gzip;q=0", "identity", "*;q=0", "br"] {
                try client.send("GET /big HTTP/1.1\r\nHost: a\r\nAccept-Encoding: \(refusal)\r\n\r\n")
                let plain = try client.readResponse()
                XCTAssertNil(plain.header("Content-Encoding"), refusal)
                XCTAssertEqual(plain.text, TestRoutes.bigText)
            }
            // Too small to be worth it.
            try client.send("GET /healthz HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n")
            XCTAssertNil(try client.readResponse().header("Content-Encoding"))
        }
    }

    func testStaticFilesWithValidators() throws {
        let root = try TemporaryFolder()
        let css = String(repeating: "body { color: black; }\n", count: 100)
        try root.write("site/style.css", css)
        try root.write("site/index.html", "<h1>home</h1>")
        let router = TestRoutes.router(staticRoot: root.path + "/site")
        try withServer(router: router) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /static/style.css HTTP/1.1\r\nHost: a\r\n\r\n")
            let first = try client.readResponse()
            XCTAssertEqual(first.status, 200)
            XCTAssertEqual(first.text, css)
            XCTAssertEqual(first.header("Content-Type"), "text/css; charset=utf-8")
            let etag = try XCTUnwrap(first.header("ETag"))
            let modified = try XCTUnwrap(first.header("Last-Modified"))

            try client.send("GET /static/style.css HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"other\", \(etag)\r\n\r\n")
            let cached = try client.readResponse()
            XCTAssertEqual(cached.status, 304)
            XCTAssertEqual(cached.header("ETag"), etag)
            XCTAssertTrue(cached.body.isEmpty)

            try client.send("GET /static/style.css HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: \(modified)\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 304)
            try client.send("GET /static/style.css HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"other\"\r\nIf-Modified-Since: \(modified)\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200, "If-None-Match must win over If-Modified-Since")
            try client.send("GET /static/style.css HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)

            // The gzip representation is a different one: a weak tag, still matched.
            try client.send("GET /static/style.css HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n")
            let compressed = try client.readResponse()
            XCTAssertEqual(compressed.header("Content-Encoding"), "gzip")
            XCTAssertEqual(compressed.header("ETag"), "W/" + etag)
            try client.send("GET /static/style.css HTTP/1.1\r\nHost: a\r\nIf-None-Match: W/\(etag)\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 304)

            try client.send("GET /static/ HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "<h1>home</h1>")
            try client.send("HEAD /static/style.css HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try client.readResponse(toHead: true).header("Content-Length"), String(css.utf8.count))
        }
    }

    func testNothingOutsideTheRootIsServed() throws {
        let root = try TemporaryFolder()
        try root.write("secret.txt", "secret")
        try root.write("site/public.txt", "public")
        try root.write("site-evil/x.txt", "sibling")
        try root.link("site/escape.txt", to: root.path + "/secret.txt")
        try root.link("site/escape-dir", to: root.path)
        try root.link("site/inside.txt", to: root.path + "/site/public.txt")
        let router = TestRoutes.router(staticRoot: root.path + "/site")
        try withServer(router: router) { _, port in
            let client = try RawClient(port: port)
            func status(_ target: String) throws -> Int {
                try client.send("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
                return try client.readResponse().status
            }
            XCTAssertEqual(try status("/static/public.txt"), 200)
            XCTAssertEqual(try status("/static/inside.txt"), 200, "a symlink inside the root is fine")
            for attempt in [
                "/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2E%2E%2Fsecret.txt",
                "/static/..%2fsecret.txt", "/static/sub/../../secret.txt", "/static/%2e%2e%5csecret.txt",
                "/static/escape.txt", "/static/escape-dir/secret.txt", "/static/../site-evil/x.txt",
                "/static/public.txt%00.html", "/static/%zz", "/static/missing.txt",
            ] {
                XCTAssertEqual(try status(attempt), 404, attempt)
            }
        }
    }

    func testServedFilesAreRevalidated() throws {
        let root = try TemporaryFolder()
        try root.write("site/a.txt", "one")
        try root.write("site/real.txt", "real")
        try root.write("outside.txt", "outside")
        try root.link("site/link.txt", to: root.path + "/site/real.txt")
        try withServer(router: TestRoutes.router(staticRoot: root.path + "/site")) { _, port in
            let client = try RawClient(port: port)
            func get(_ path: String) throws -> RawClient.Response {
                try client.send("GET /static/\(path) HTTP/1.1\r\nHost: a\r\n\r\n")
                return try client.readResponse()
            }
            XCTAssertEqual(try get("a.txt").text, "one")
            try root.write("site/a.txt", "changed")
            XCTAssertEqual(try get("a.txt").text, "changed")
            XCTAssertEqual(try get("link.txt").text, "real")
            try FileManager.default.removeItem(atPath: root.path + "/site/link.txt")
            try root.link("site/link.txt", to: root.path + "/outside.txt")
            XCTAssertEqual(try get("link.txt").status, 404, "a symlink re-pointed out of the root")
        }
    }
}
