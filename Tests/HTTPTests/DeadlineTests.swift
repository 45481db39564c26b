import Foundation
import HTTP
import XCTest

/// The deadlines, configured short so that the tests stay short; what is asserted is the
/// outcome (408, a silent close), never how long it took.
final class DeadlineTests: XCTestCase {
    private func short(_ configuration: inout HTTPServer.Configuration) {
        configuration.headerReadTimeout = .milliseconds(200)
        configuration.idleTimeout = .milliseconds(200)
        configuration.bodyReadTimeout = .milliseconds(200)
        configuration.lingerTimeout = .milliseconds(200)
    }

    func testIncompleteHeaderGets408AndClose() throws {
        try withServer(configure: short) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 408)
            XCTAssert(response.text.contains("request_timeout"))
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    func testTricklingHeaderStillGets408() throws {
        try withServer(configure: short) { _, port in
            let client = try RawClient(port: port)
            // A byte every 50 ms never completes the head: the header deadline is not
            // pushed back by each byte, so the slow client is cut off.
            var sent = 0
            let bytes = Array("GET /healthz HTTP/1.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "s"), count: 200)
            while sent < bytes.count, (try? client.send([bytes[sent]])) != nil {
                sent += 1
                usleep(50_000)
                if sent > 40 { break }
            }
            XCTAssertEqual(try client.readResponse().status, 408)
        }
    }

    func testIncompleteBodyGets408() throws {
        try withServer(configure: short) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
            XCTAssertEqual(try client.readResponse().status, 408)
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    func testTricklingBodyStillGets408() throws {
        try withServer(configure: { configuration in
            short(&configuration)
            configuration.bodyTotalTimeout = .milliseconds(400)
        }) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n")
            // A byte every 50 ms keeps inside the 200 ms read timeout, but 100 bytes would
            // take 5 s, far beyond the 400 ms the whole body may take.
            for _ in 0..<40 {
                guard (try? client.send("x")) != nil else { break }
                usleep(50_000)
            }
            XCTAssertEqual(try client.readResponse().status, 408)
        }
    }

    func testIdleConnectionIsClosedSilently() throws {
        try withServer(configure: short) { server, port in
            let silent = try RawClient(port: port)
            XCTAssertTrue(silent.isClosedByServer())
            let kept = try RawClient(port: port)
            try kept.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try kept.readResponse().status, 200)
            XCTAssertTrue(kept.isClosedByServer())
            XCTAssertTrue(eventually { server.connectionCount == 0 })
        }
    }
}
