import HTTP
import XCTest

final class RequestParserTests: XCTestCase {
    /// Events with body pieces merged, and the error if parsing failed.
    private struct Outcome: Equatable {
        var events: [RequestParser.Event] = []
        var error: HTTPParseError?
    }

    private func parse(_ pieces: [ArraySlice<UInt8>], limits: RequestLimits = RequestLimits()) -> Outcome {
        var parser = RequestParser(limits: limits)
        var outcome = Outcome()
        for piece in pieces {
            parser.append(piece)
            do {
                while let event = try parser.next() {
                    if case .body(let bytes) = event, case .body(let previous)? = outcome.events.last {
                        outcome.events[outcome.events.count - 1] = .body(previous + bytes)
                    } else {
                        outcome.events.append(event)
                    }
                }
            } catch {
                outcome.error = error
                return outcome
            }
        }
        return outcome
    }

    private func parse(_ text: String, limits: RequestLimits = RequestLimits()) -> Outcome {
        parse([Array(text.utf8)[...]], limits: limits)
    }

    private func head(_ outcome: Outcome) throws -> RequestHead {
        guard case .head(let head)? = outcome.events.first else {
            throw RawClient.Failure(description: "no head in \(outcome)")
        }
        return head
    }

    func testEverySplitOfEveryCorpusRequestGivesTheSameOutcome() throws {
        for corpusCase in try CorpusCase.all() {
            let bytes = corpusCase.bytes
            let whole = parse([bytes[...]])
            XCTAssert(whole.error != nil || !whole.events.isEmpty, corpusCase.name)
            for position in 0...bytes.count {
                XCTAssertEqual(parse([bytes[..<position], bytes[position...]]), whole, "\(corpusCase.name) split at \(position)")
            }
            if bytes.count < 2048 {
                XCTAssertEqual(parse(bytes.indices.map { bytes[$0...$0] }), whole, "\(corpusCase.name) byte by byte")
            }
        }
    }

    func testRequestHead() throws {
        let outcome = parse("GET /models/7?x=1&y=a%20b HTTP/1.1\r\nHost: example.com\r\nX-Pad:  spaced value \t\r\n\r\n")
        XCTAssertNil(outcome.error)
        let head = try head(outcome)
        XCTAssertEqual(head.method, .get)
        XCTAssertEqual(head.target, "/models/7?x=1&y=a%20b")
        XCTAssertEqual(head.path, "/models/7")
        XCTAssertEqual(head.query, "x=1&y=a%20b")
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.headers["host"], "example.com")
        XCTAssertEqual(head.headers["X-PAD"], "spaced value")
        XCTAssertTrue(head.keepAlive)
        XCTAssertEqual(head.framing, RequestHead.BodyFraming.none)
        XCTAssertEqual(outcome.events.last, .end)
    }

    func testAbsoluteFormTargetGivesPathAndQuery() throws {
        let head = try head(parse("GET HTTP://example.com:80?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        XCTAssertEqual(head.path, "/")
        XCTAssertEqual(head.query, "q=1")
    }

    func testKeepAliveDefaults() throws {
        XCTAssertFalse(try head(parse("GET / HTTP/1.0\r\n\r\n")).keepAlive)
        XCTAssertTrue(try head(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).keepAlive)
        XCTAssertFalse(try head(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n")).keepAlive)
    }

    func testContentLengthBody() throws {
        let outcome = parse("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET")
        XCTAssertEqual(try head(outcome).framing, .length(5))
        XCTAssertEqual(Array(outcome.events.dropFirst()), [.body(Array("hello".utf8)), .end])
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let outcome = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;a=b\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(try head(outcome).framing, .chunked)
        XCTAssertEqual(Array(outcome.events.dropFirst()), [.body(Array("Wikipedia in\r\n\r\nchunks.".utf8)), .end])
    }

    func testPipelinedRequestsComeOutInOrder() throws {
        let outcome = parse("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nxGET /3 HTTP/1.1\r\nHost: a\r\n\r\n")
        let paths = outcome.events.compactMap { event -> String? in
            if case .head(let head) = event { return head.path }
            return nil
        }
        XCTAssertEqual(paths, ["/1", "/2", "/3"])
        XCTAssertEqual(outcome.events.filter { $0 == .end }.count, 3)
    }

    func testRequestLineLimitIsExact() {
        var limits = RequestLimits()
        limits.maxRequestLineLength = 30
        let fits = "GET /" + String(repeating: "a", count: 16) + " HTTP/1.1"
        XCTAssertEqual(fits.utf8.count, 30)
        XCTAssertNil(parse(fits + "\r\nHost: a\r\n\r\n", limits: limits).error)
        XCTAssertEqual(parse("GET /" + String(repeating: "a", count: 17) + " HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits).error,
                       .requestLineTooLong)
        // Refused before the line ends: the parser never buffers past the limit.
        XCTAssertEqual(parse(String(repeating: "a", count: 31), limits: limits).error, .requestLineTooLong)
        XCTAssertNil(parse(String(repeating: "a", count: 30) + "\r", limits: limits).error)
    }

    func testHeaderLimitsAreExact() {
        var limits = RequestLimits()
        limits.maxHeaderCount = 3
        limits.maxHeaderSectionLength = 40
        XCTAssertNil(parse("GET / HTTP/1.1\r\nHost: a\r\nB: b\r\nC: c\r\n\r\n", limits: limits).error)
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: a\r\nB: b\r\nC: c\r\nD: d\r\n\r\n", limits: limits).error,
                       .headerSectionTooLarge)
        let value = String(repeating: "v", count: 40 - "Host: a".count - "X: ".count)
        XCTAssertNil(parse("GET / HTTP/1.1\r\nHost: a\r\nX: \(value)\r\n\r\n", limits: limits).error)
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: a\r\nX: \(value)v\r\n\r\n", limits: limits).error,
                       .headerSectionTooLarge)
    }

    func testBodyLimitIsExactForBothFramings() {
        var limits = RequestLimits()
        limits.maxBodyLength = 10
        let exact = String(repeating: "b", count: 10)
        XCTAssertNil(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n\(exact)", limits: limits).error)
        XCTAssertEqual(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits).error, .bodyTooLarge)
        let chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        XCTAssertNil(parse(chunked + "5\r\nbbbbb\r\n5\r\nbbbbb\r\n0\r\n\r\n", limits: limits).error)
        XCTAssertEqual(parse(chunked + "5\r\nbbbbb\r\n6\r\n", limits: limits).error, .bodyTooLarge)
        XCTAssertEqual(parse(chunked + "fffffffffffffffffffffffffff\r\n", limits: limits).error, .bodyTooLarge)
    }

    func testChunkLineLimit() {
        var limits = RequestLimits()
        limits.maxChunkLineLength = 8
        let chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        XCTAssertNil(parse(chunked + "1;a=bcde\r\nx\r\n0\r\n\r\n", limits: limits).error)
        XCTAssertEqual(parse(chunked + "1;a=bcdef\r\nx\r\n0\r\n\r\n", limits: limits).error,
                       .malformed("chunk size line too long"))
    }

    func testFailureIsSticky() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".utf8))
        XCTAssertThrowsError(try parser.next()) { XCTAssertEqual($0 as? HTTPParseError, .malformed("duplicate Host")) }
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        XCTAssertThrowsError(try parser.next()) { XCTAssertEqual($0 as? HTTPParseError, .malformed("duplicate Host")) }
    }

    func testMessageBoundary() throws {
        var parser = RequestParser()
        XCTAssertTrue(parser.isAtMessageBoundary)
        parser.append(Array("GET / HTTP/1.1\r\nHo".utf8))
        XCTAssertNil(try parser.next())
        XCTAssertFalse(parser.isAtMessageBoundary)
        parser.append(Array("st: a\r\n\r\n".utf8))
        XCTAssertNotNil(try parser.next())
        XCTAssertEqual(try parser.next(), .end)
        XCTAssertTrue(parser.isAtMessageBoundary)
    }

    func testStatusOfEachError() {
        XCTAssertEqual(HTTPParseError.requestLineTooLong.status.code, 414)
        XCTAssertEqual(HTTPParseError.headerSectionTooLarge.status.code, 431)
        XCTAssertEqual(HTTPParseError.bodyTooLarge.status.code, 413)
        XCTAssertEqual(HTTPParseError.unsupportedTransferCoding.status.code, 501)
        XCTAssertEqual(HTTPParseError.unsupportedVersion.status.code, 505)
        XCTAssertEqual(HTTPParseError.unsupportedExpectation.status.code, 417)
        XCTAssertEqual(HTTPParseError.malformed("x").status.code, 400)
    }
}
