import Foundation
import HTTP
import XCTest

/// Replays the RFC 9112 corpus over real loopback sockets.
final class CorpusTests: XCTestCase {
    func testCorpusHasEveryKindOfCase() throws {
        let cases = try CorpusCase.all()
        XCTAssertGreaterThan(cases.count, 80)
        for status in [200, 400, 404, 405, 413, 414, 417, 431, 501, 505] {
            XCTAssert(cases.contains { $0.statuses.contains(status) }, "no case for \(status)")
        }
    }

    func testEveryCaseOverLoopback() throws {
        let cases = try CorpusCase.all()
        try withServer { _, port in
            for corpusCase in cases {
                try replay(corpusCase, port: port, pieces: [corpusCase.bytes])
            }
        }
    }

    func testMarkedCasesSplitAtEveryPosition() throws {
        let cases = try CorpusCase.all().filter(\.split)
        XCTAssertGreaterThanOrEqual(cases.count, 8)
        try withServer { _, port in
            for corpusCase in cases {
                for position in 1..<corpusCase.bytes.count {
                    try replay(corpusCase, port: port,
                               pieces: [Array(corpusCase.bytes[..<position]), Array(corpusCase.bytes[position...])])
                }
            }
        }
    }

    private func replay(_ corpusCase: CorpusCase, port: UInt16, pieces: [[UInt8]]) throws {
        let client = try RawClient(port: port)
        for (index, piece) in pieces.enumerated() {
            try client.send(piece)
            // Lets the first piece reach the server on its own; correctness does not depend on it.
            if index < pieces.count - 1 { usleep(200) }
        }
        let context = "\(corpusCase.name) in \(pieces.count) pieces (first \(pieces[0].count) bytes)"
        for expected in corpusCase.statuses {
            let response = try client.readFinalResponse(toHead: corpusCase.isHead)
            XCTAssertEqual(response.status, expected, context)
            if expected >= 400 && !corpusCase.isHead {
                // The server's own error answer (no application shape given): "code: message".
                XCTAssertEqual(response.header("Content-Type"), "text/plain; charset=utf-8", context)
                XCTAssertNotNil(response.text.range(of: #"^[a-z_]+: \S"#, options: .regularExpression), "\(context): \(response.text)")
            }
        }
        if corpusCase.keepAlive {
            try client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            XCTAssertEqual(try client.readFinalResponse().status, 200, "\(context): connection not kept alive")
        } else {
            XCTAssertTrue(client.isClosedByServer(), "\(context): connection not closed")
        }
    }
}
