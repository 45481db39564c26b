import Foundation
import HTTP
import XCTest

/// Connection behaviour over loopback: keep-alive, pipelining, framing both ways, limits,
/// deadlines and shutdown.
final class ConnectionTests: XCTestCase {
    func testKeepAliveServesManyRequestsOnOneConnection() throws {
        try withServer { server, port in
            let client = try RawClient(port: port)
            for index in 0..<20 {
                try client.send("GET /models/\(index) HTTP/1.1\r\nHost: a\r\n\r\n")
                let response = try client.readResponse()
                XCTAssertEqual(response.status, 200)
                XCTAssertEqual(response.text, "{\"id\":\"\(index)\"}")
                XCTAssertEqual(response.header("Connection"), "keep-alive")
                XCTAssertNotNil(response.header("Date"))
                XCTAssertEqual(response.header("Server"), "vaedyn")
            }
            XCTAssertEqual(server.connectionCount, 1)
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            var batch = ""
            for index in 0..<50 {
                batch += index % 2 == 0
                    ? "GET /models/\(index) HTTP/1.1\r\nHost: a\r\n\r\n"
                    : "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: \(String(index).count)\r\n\r\n\(index)"
            }
            try client.send(batch)
            for index in 0..<50 {
                let response = try client.readResponse()
                XCTAssertEqual(response.text, index % 2 == 0 ? "{\"id\":\"\(index)\"}" : "\(index)")
            }
        }
    }

    func testChunkedRequestBody() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            let body = (0..<100).map { "line \($0)\n" }.joined()
            var request = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            var rest = Substring(body)
            while !rest.isEmpty {
                let piece = rest.prefix(37)
                rest = rest.dropFirst(37)
                request += String(piece.utf8.count, radix: 16) + ";n=1\r\n" + piece + "\r\n"
            }
            try client.send(request + "0\r\nX-Checksum: none\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, body)
        }
    }

    func testStreamedResponseIsChunkedAndKeepsTheConnection() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /stream?n=200 HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.header("Transfer-Encoding"), "chunked")
            XCTAssertEqual(response.header("Content-Type"), "application/x-ndjson")
            XCTAssertEqual(response.text, (0..<200).map { "{\"record\":\($0)}\n" }.joined())
            try client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "ok")
        }
    }

    func testStreamToHTTP10ClientEndsWithTheConnection() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /stream?n=5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertNil(response.header("Transfer-Encoding"))
            XCTAssertEqual(response.header("Connection"), "close")
            XCTAssertEqual(response.text, (0..<5).map { "{\"record\":\($0)}\n" }.joined())
            XCTAssertTrue(client.sawEOF)
        }
    }

    func testProducerFailingBeforeOutputGets500AndConnectionStays() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /stream-fails-at-once HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 500)
            XCTAssert(response.text.contains("internal_error"))
            try client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
        }
    }

    func testProducerThrowingAnHTTPErrorBeforeOutputIsAnsweredWithIt() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /stream-refuses-at-once HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 503)
            XCTAssertEqual(response.header("Retry-After"), "3")
            XCTAssertEqual(response.text, "busy: later\n")
        }
    }

    func testSlowReaderPausesTheProducer() throws {
        let probe = StreamProbe()
        try withServer(router: TestRoutes.router(probe: probe)) { _, port in
            // 32 MiB offered; a small receive window so that kernel buffers hold little.
            let client = try RawClient(port: port, receiveBuffer: 64 * 1024)
            try client.send("GET /flood?records=512 HTTP/1.1\r\nHost: a\r\n\r\n")
            // Wait for the producer to stop making progress, then check how far it got.
            var last = -1
            var stableFor = 0
            XCTAssert(eventually {
                let now = probe.flushed
                stableFor = now == last ? stableFor + 1 : 0
                last = now
                return stableFor >= 50
            })
            XCTAssertFalse(probe.finished)
            XCTAssertLessThan(probe.flushed, 8 * 1024 * 1024, "the producer ran ahead of the reader")
            let response = try client.readResponse()
            XCTAssertEqual(response.body.count, 512 * 64 * 1024)
            XCTAssert(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
            XCTAssertTrue(probe.finished)
        }
    }

    func testClientDisconnectCancelsTheStream() throws {
        for hangUp in [{ (client: RawClient) in client.shutdownWrite() }, { $0.reset() }] {
            let probe = StreamProbe()
            try withServer(router: TestRoutes.router(probe: probe)) { server, port in
                let client = try RawClient(port: port)
                try client.send("GET /forever HTTP/1.1\r\nHost: a\r\n\r\n")
                XCTAssertEqual(try client.readResponse(toHead: true).status, 200)
                hangUp(client)
                XCTAssertTrue(eventually { probe.cancelled }, "the handler never saw the cancellation")
                XCTAssertTrue(eventually { probe.finished })
                XCTAssertTrue(eventually { server.connectionCount == 0 })
            }
        }
    }

    func testConnectionLimitAnswers503() throws {
        try withServer(configure: { $0.maxConnections = 2 }) { server, port in
            let first = try RawClient(port: port)
            let second = try RawClient(port: port)
            for client in [first, second] {
                try client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
                XCTAssertEqual(try client.readResponse().status, 200)
            }
            let third = try RawClient(port: port)
            let refused = try third.readResponse()
            XCTAssertEqual(refused.status, 503)
            XCTAssertEqual(refused.header("Connection"), "close")
            XCTAssert(refused.text.contains("too_many_connections"))
            XCTAssertTrue(third.isClosedByServer())
            // Room again once one closes.
            first.reset()
            XCTAssertTrue(eventually { server.connectionCount == 1 })
            let fourth = try RawClient(port: port)
            try fourth.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try fourth.readResponse().status, 200)
        }
    }

    func testShutdownLetsInFlightResponsesFinish() throws {
        let probe = StreamProbe()
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.shutdownGracePeriod = .seconds(30)
        let server = HTTPServer(configuration: configuration, router: TestRoutes.router(probe: probe))
        try server.start()
        let port = server.port!
        let idle = try RawClient(port: port)
        try idle.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try idle.readResponse().status, 200)
        let busy = try RawClient(port: port)
        try busy.send("GET /held HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try busy.readResponse(toHead: true).status, 200)

        server.shutdown()
        XCTAssertTrue(idle.isClosedByServer(), "an idle connection stays open during shutdown")
        XCTAssertTrue(eventually { (try? RawClient(port: port)) == nil }, "still accepting after shutdown")
        probe.release.signal()
        server.wait()
        let rest = String(decoding: try busy.readToEOF(), as: UTF8.self)
        XCTAssert(rest.contains("first\n") && rest.contains("last\n") && rest.hasSuffix("0\r\n\r\n"), rest)
    }

    func testShutdownAsksStreamsToEndTheirBodiesProperly() throws {
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.shutdownGracePeriod = .seconds(60)
        let server = HTTPServer(configuration: configuration, router: TestRoutes.router(probe: StreamProbe()))
        try server.start()
        let client = try RawClient(port: server.port!)
        try client.send("GET /until-stopped HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readResponse(toHead: true).status, 200)
        let started = DispatchTime.now()
        server.shutdown()
        server.wait()
        // Well inside the grace period: the stream ended itself instead of being cut.
        XCTAssertLessThan(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds, 10_000_000_000)
        let rest = String(decoding: try client.readToEOF(), as: UTF8.self)
        XCTAssert(rest.hasSuffix("4\r\nbye\n\r\n0\r\n\r\n"), String(rest.suffix(60)))
    }

    func testShutdownCutsWhatOutlivesTheGracePeriod() throws {
        let probe = StreamProbe()
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.shutdownGracePeriod = .milliseconds(200)
        let server = HTTPServer(configuration: configuration, router: TestRoutes.router(probe: probe))
        try server.start()
        let client = try RawClient(port: server.port!)
        try client.send("GET /forever HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(try client.readResponse(toHead: true).status, 200)
        server.shutdown()
        server.wait()
        XCTAssertTrue(eventually { probe.cancelled })
        XCTAssertEqual(server.connectionCount, 0)
    }

    func testHeadSendsHeadersWithoutBody() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("HEAD /big HTTP/1.1\r\nHost: a\r\n\r\nHEAD /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            let head = try client.readResponse(toHead: true)
            XCTAssertEqual(head.header("Content-Length"), String(TestRoutes.bigText.utf8.count))
            XCTAssertEqual(try client.readResponse(toHead: true).header("Transfer-Encoding"), "chunked")
            // Had any body bytes been sent, this would not parse as the next response.
            XCTAssertEqual(try client.readResponse().text, "ok")
        }
    }

    func testExpectContinue() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 100)
            try client.send("hello")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "hello")

            // Too large: refused before the body is sent, and no 100 first.
            try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 413)
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    func testNoContentHasNoBodyAndNoLength() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("DELETE /models/1 HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 204)
            XCTAssertNil(response.header("Content-Length"))
            XCTAssertEqual(try client.readResponse().text, "ok")
        }
    }

    func testEveryErrorTakesTheShapeTheServerWasGiven() throws {
        let shape: @Sendable (HTTPError) -> HTTPResponse = { error in
            var response = HTTPResponse.text("[\(error.status.code) \(error.code)]", status: error.status)
            for field in error.headers { response.headers.add(field.name, field.value) }
            return response
        }
        try withServer(errorResponse: shape) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /fail HTTP/1.1\r\nHost: a\r\n\r\nGET /crash HTTP/1.1\r\nHost: a\r\n\r\nPUT /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
                            + "GET /stream-fails-at-once HTTP/1.1\r\nHost: a\r\n\r\nGET /nothing HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "[409 busy]")
            XCTAssertEqual(try client.readResponse().text, "[500 internal_error]")
            let notAllowed = try client.readResponse()
            XCTAssertEqual(notAllowed.text, "[405 method_not_allowed]")
            XCTAssertEqual(notAllowed.header("Allow"), "GET, HEAD")
            XCTAssertEqual(try client.readResponse().text, "[500 internal_error]", "a producer failing before its first byte")
            XCTAssertEqual(try client.readResponse().text, "[404 not_found]")
            XCTAssertEqual(try client.readResponse().text, "[400 bad_request]", "a request without Host")
        }
    }

    func testIPv6Loopback() throws {
        guard (try? withServer(host: "::1", { _, _ in })) != nil else {
            throw XCTSkip("no IPv6 loopback here")
        }
        try withServer(host: "::1") { _, port in
            let client = try RawClient(port: port, host: "::1")
            try client.send("GET /healthz HTTP/1.1\r\nHost: [::1]\r\n\r\n")
            XCTAssertEqual(try client.readResponse().text, "ok")
        }
    }
}
