import Foundation
import HTTP
import XCTest

/// The deadlines end to end over real sockets, configured short so that the tests stay
/// short; what is asserted is the outcome (408, a silent close), never how long it took.
/// Each rule's timing, to the nanosecond, is tested on the machine alone
/// (`ConnectionMachineDeadlineTests`).
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

    func testIncompleteBodyGets408() throws {
        try withServer(configure: short) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
            XCTAssertEqual(try client.readResponse().status, 408)
            XCTAssertTrue(client.isClosedByServer())
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
