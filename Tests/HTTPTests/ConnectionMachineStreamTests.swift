import Dispatch
import HTTP
import XCTest

/// Streaming responses, pipelining and framing, decided by the machine alone: the test plays
/// the producer by pushing into its channel.
final class ConnectionMachineStreamTests: XCTestCase {
    func streaming(_ h: MachineHarness, _ target: String = "/stream", version: String = "HTTP/1.1") -> (ResponseWriter, StreamChannel) {
        h.start()
        h.send("GET \(target) \(version)\r\nHost: x\r\n\r\n")
        guard let start = h.producers.last, let channel = h.channels.last else {
            XCTFail("no producer started")
            return (ResponseWriter(channel: StreamChannel(limit: 1) {}), StreamChannel(limit: 1) {})
        }
        return (start.writer, channel)
    }

    func testPipelinedRequestsAreAnsweredInOrderWhileAStreamRuns() throws {
        let h = MachineHarness()
        h.start()
        h.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(h.producers.count, 1)
        XCTAssertEqual(h.take(), "", "nothing is sent before the stream's first bytes, and nothing of the next answer")
        let writer = h.producers[0].writer
        try writer.write("one\n")
        try writer.flush()
        h.producerReady()
        let head = h.take()
        XCTAssert(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.contains("Transfer-Encoding: chunked\r\n"), head)
        XCTAssert(head.hasSuffix("\r\n\r\n4\r\none\n\r\n"), "one chunk per pull: \(head)")
        XCTAssertEqual(h.answered, [.ok], "the stream's status is told once its first bytes leave")
        writer.finish(failed: false)
        h.producerReady()
        let rest = h.take()
        XCTAssert(rest.hasPrefix("0\r\n\r\nHTTP/1.1 200 OK\r\n"), "the terminator, then the next answer: \(rest)")
        XCTAssert(rest.hasSuffix("GET /after"), rest)
        XCTAssertEqual(h.answered, [.ok])
        XCTAssertFalse(h.closed)
    }

    func testASlowReaderPausesTheProducerAtTheHighWaterMark() throws {
        var configuration = MachineHarness.configuration()
        configuration.streamBufferLimit = 4096
        let h = MachineHarness(configuration: configuration)
        h.full = true
        let (writer, channel) = streaming(h)
        // One big record takes the output past the high-water mark...
        try writer.write([UInt8](repeating: 65, count: ConnectionMachine.outputHighWater))
        try writer.flush()
        h.producerReady()
        let queued = h.machine.unsentCount
        XCTAssertGreaterThan(queued, ConnectionMachine.outputHighWater)
        // ...so the next is left in the channel, where it makes the producer wait.
        try writer.write([UInt8](repeating: 66, count: 4096))
        try writer.flush()
        h.producerReady()
        XCTAssertEqual(h.machine.unsentCount, queued, "nothing more is pulled while the client is behind")
        XCTAssertEqual(channel.pull().bytesCount, 4096, "the record still waits in the channel")
        // Put it back as the producer would have, and let the client read.
        try writer.write([UInt8](repeating: 66, count: 4096))
        try writer.flush()
        h.drain()
        let text = h.take()
        XCTAssert(text.hasSuffix("1000\r\n" + String(repeating: "B", count: 4096) + "\r\n"), "pulled once the output drained")
    }

    func testAProducerFailingBeforeItsFirstByteIsAnsweredWithItsErrorAndTheConnectionStays() {
        let h = MachineHarness()
        let (writer, _) = streaming(h)
        writer.finish(failed: true, failure: HTTPError(.serviceUnavailable, code: "busy", message: "Busy"))
        h.producerReady()
        let text = h.take()
        XCTAssert(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), text)
        XCTAssert(text.contains("Content-Length: ") && !text.contains("chunked"), "an error answer is fixed-length: \(text)")
        XCTAssertEqual(h.answered, [.serviceUnavailable], "told the error's status, never the stream's own")
        h.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssert(h.take().hasSuffix("GET /next"))

        let unknown = MachineHarness()
        let (failing, _) = streaming(unknown)
        failing.finish(failed: true)
        unknown.producerReady()
        XCTAssert(unknown.take().hasPrefix("HTTP/1.1 500 "))
    }

    func testAProducerFailingAfterItsFirstByteEndsTheConnectionWithoutTheLastChunk() throws {
        let h = MachineHarness()
        let (writer, _) = streaming(h)
        try writer.write("partial")
        try writer.flush()
        h.producerReady()
        _ = h.take()
        writer.finish(failed: true)
        h.producerReady()
        XCTAssertEqual(h.take(), "", "no terminator: the client learns the body is incomplete")
        XCTAssertTrue(h.closed)
        XCTAssertEqual(h.answered, [.ok], "told once, when its first bytes left")
    }

    func testAClientHangingUpMidStreamCancelsTheProducer() {
        let h = MachineHarness()
        let (_, channel) = streaming(h)
        h.peerCloses()
        XCTAssertTrue(channel.isCancelled)
        XCTAssertTrue(h.closed)
        XCTAssertEqual(h.answered, [.clientClosed], "no byte had left: the client was answered nothing")
    }

    func testAProducerWhoseClientLeftWhileItWaitedForAThreadIsNeverRun() {
        final class Ran: @unchecked Sendable { var count = 0 }
        let ran = Ran()
        let h = MachineHarness(respond: { _ in HTTPResponse { _ in ran.count += 1 } })
        h.start()
        h.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        h.peerCloses()
        h.producers[0].run()
        XCTAssertEqual(ran.count, 0)
        let live = MachineHarness(respond: { _ in HTTPResponse { writer in ran.count += 1; try writer.write("x") } })
        live.start()
        live.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        live.producers[0].run()
        live.producerReady()
        XCTAssertEqual(ran.count, 1)
        XCTAssert(live.take().hasSuffix("1\r\nx\r\n0\r\n\r\n"), "what it wrote is flushed when it returns")
    }

    func testShutdownMidStreamAsksTheProducerToEndAndClosesAfterIt() throws {
        let h = MachineHarness()
        let (writer, channel) = streaming(h)
        h.shutdown()
        XCTAssertTrue(channel.isStopRequested)
        XCTAssertFalse(channel.isCancelled)
        try writer.write("last")
        writer.finish(failed: false)
        h.producerReady()
        let text = h.take()
        XCTAssert(text.contains("Connection: close"), "the head is encoded after the shutdown: \(text)")
        XCTAssert(text.hasSuffix("4\r\nlast\r\n0\r\n\r\n"), text)
        XCTAssertTrue(h.halfClosed)
    }

    func testAStreamStartedDuringShutdownIsAskedToStopAtOnce() {
        let h = MachineHarness()
        h.start()
        h.full = true
        h.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        h.shutdown()
        h.drain()
        XCTAssertTrue(h.channels.last?.isStopRequested ?? false)
    }

    func testAnHTTP10StreamIsUnframedAndEndsWithTheConnection() throws {
        let h = MachineHarness()
        let (writer, _) = streaming(h, version: "HTTP/1.0")
        try writer.write("raw")
        writer.finish(failed: false)
        h.producerReady()
        let text = h.take()
        XCTAssert(!text.contains("chunked") && !text.contains("Content-Length") && text.hasSuffix("\r\n\r\nraw"), text)
        XCTAssertTrue(h.halfClosed)
    }

    func testAHeadRequestForAStreamGetsItsHeadAndNoProducer() {
        let h = MachineHarness()
        h.start()
        h.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(h.producers.isEmpty)
        XCTAssert(h.take().hasSuffix("Transfer-Encoding: chunked\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\n\r\n"))
    }

    func testExpectContinueIsAnsweredOnlyWhenTheBodyIsNotAlreadyThere() {
        let h = MachineHarness()
        h.start()
        h.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(h.take(), "HTTP/1.1 100 Continue\r\n\r\n")
        h.send("ok")
        XCTAssert(h.take().hasSuffix("POST /a"))
        h.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok")
        XCTAssert(!h.take().contains("100 Continue"))
    }

    func testOverTheConnectionLimitTheClientIsAnswered503AndTheConnectionEnds() {
        let h = MachineHarness()
        h.start(rejecting: true)
        let text = h.take()
        XCTAssert(text.hasPrefix("HTTP/1.1 503 ") && text.contains("too_many_connections") && text.contains("Connection: close"), text)
        XCTAssertTrue(h.halfClosed)
    }

    func testAMalformedRequestIsAnswered400AndNothingAfterItIsParsed() {
        let h = MachineHarness()
        h.start()
        h.send("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nGET /b HTTP/1.1\r\n\r\n")
        let text = h.take()
        XCTAssert(text.hasPrefix("HTTP/1.1 400 ") && !text.contains("GET /b"), text)
        XCTAssertTrue(h.halfClosed)
    }

    func testInputWaitsInTheKernelWhileTheParserHoldsARequestsWorth() {
        let h = MachineHarness()
        h.start()
        h.full = true
        XCTAssertTrue(h.machine.wantsRead)
        let limits = h.configuration.limits
        let one = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        // Answers pile up behind a full socket until the high-water mark; then the parser keeps the rest.
        h.send(String(repeating: one, count: (limits.maxRequestLineLength + limits.maxHeaderSectionLength) / one.utf8.count + 20_000))
        XCTAssertFalse(h.machine.wantsRead, "no more reading until the client reads its answers")
        h.drain()
        XCTAssertTrue(h.machine.wantsRead)
    }
}

private extension StreamChannel.Pull {
    var bytesCount: Int? { if case .bytes(let b) = self { b.count } else { nil } }
}
