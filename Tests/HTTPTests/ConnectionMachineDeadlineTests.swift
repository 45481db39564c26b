import Dispatch
import HTTP
import XCTest

/// Every deadline of a connection fires at its time and not a nanosecond before, driven by
/// a fake clock: no sockets, no sleeps.
final class ConnectionMachineDeadlineTests: XCTestCase {
    let tick = Duration.nanoseconds(1)

    /// Fires the timer a nanosecond early (nothing may happen), then on time.
    func fireAtItsTime(_ h: MachineHarness, _ kind: ConnectionMachine.DeadlineKind, after expected: Duration,
                       file: StaticString = #filePath, line: UInt = #line) {
        guard let (pending, left) = h.pending else { return XCTFail("no deadline; expected \(kind)", file: file, line: line) }
        XCTAssertEqual(pending, kind, file: file, line: line)
        XCTAssertEqual(left, expected, "the \(kind) deadline", file: file, line: line)
        h.advance(left - tick)
        XCTAssertFalse(h.closed, "\(kind) fired early", file: file, line: line)
        XCTAssertEqual(h.take(), "", "\(kind) fired early", file: file, line: line)
        h.advance(tick)
    }

    func testTheFirstRequestHasTheHeaderTimeoutThenIdleConnectionsCloseSilently() {
        let h = MachineHarness()
        h.start()
        XCTAssertEqual(h.pending?.0, .idle)
        XCTAssertEqual(h.pending?.1, h.configuration.headerReadTimeout)
        h.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssert(h.take().hasSuffix("GET /a"))
        fireAtItsTime(h, .idle, after: h.configuration.idleTimeout)
        XCTAssertTrue(h.closed)
        XCTAssertEqual(h.take(), "", "an idle connection is closed without a word")
    }

    func testAnIncompleteHeaderIsAnswered408WhenItsTimeComesHoweverItTrickles() {
        let h = MachineHarness()
        h.start()
        h.send("GET /a HTTP/1.1\r\n")
        // Bytes that keep coming do not move the header deadline.
        h.advance(.seconds(4))
        h.send("Host: x\r\n")
        fireAtItsTime(h, .header, after: .seconds(1))
        XCTAssert(h.take().hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        XCTAssertTrue(h.halfClosed, "after a 408 the write side closes")
        // Lingering: input is drained until the client closes or the linger time is up.
        fireAtItsTime(h, .linger, after: h.configuration.lingerTimeout)
        XCTAssertTrue(h.closed)
    }

    func testABodyMustKeepComingAndBeCompleteByItsTotalDeadline() {
        let h = MachineHarness()
        h.start()
        h.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        // Each byte re-arms the per-read deadline, but never past the total one.
        for _ in 0..<2 {
            XCTAssertEqual(h.pending?.0, .body)
            XCTAssertEqual(h.pending?.1, h.configuration.bodyReadTimeout)
            h.advance(h.configuration.bodyReadTimeout - .seconds(1))
            h.send("x")
        }
        // 20 s in, 10 s of the 30 s total are left: less than a read timeout.
        fireAtItsTime(h, .body, after: h.configuration.bodyTotalTimeout - .seconds(20))
        XCTAssert(h.take().hasPrefix("HTTP/1.1 408 "))
    }

    func testAStalledWriteClosesTheConnectionAtTheWriteStallTimeout() {
        let h = MachineHarness()
        h.start()
        h.full = true
        h.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(h.machine.wantsWrite)
        fireAtItsTime(h, .writeStall, after: h.configuration.writeStallTimeout)
        XCTAssertTrue(h.closed)
    }

    func testAWriteThatMovesClearsTheStall() {
        let h = MachineHarness()
        h.start()
        h.full = true
        h.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        h.advance(.seconds(12))
        h.drain()
        XCTAssert(h.take().hasSuffix("GET /a"))
        XCTAssertEqual(h.pending?.0, .idle, "with everything sent the connection waits for the next request")
    }

    func testTheTLSHandshakeHasItsOwnDeadlineAndHTTPBeginsAfterIt() {
        let h = MachineHarness(tls: true)
        h.start()
        XCTAssertEqual(h.handshakes, 1, "the driver is asked to start the handshake")
        h.handshake(.wantsWrite)
        XCTAssertTrue(h.machine.wantsWrite)
        XCTAssertFalse(h.machine.wantsRead)
        h.handshake(.wantsRead)
        XCTAssertTrue(h.machine.wantsRead)
        // Bytes during the handshake are TLS records, never requests.
        h.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(h.take(), "")
        fireAtItsTime(h, .handshake, after: h.configuration.tlsHandshakeTimeout)
        XCTAssertTrue(h.closed)

        let done = MachineHarness(tls: true)
        done.start()
        done.advance(.seconds(2))
        done.handshake(.complete)
        XCTAssertEqual(done.pending?.0, .idle)
        XCTAssertEqual(done.pending?.1, done.configuration.headerReadTimeout)
        done.handshake(.failed)
        XCTAssertFalse(done.closed, "a step after the handshake is ignored")

        let failed = MachineHarness(tls: true)
        failed.start()
        failed.handshake(.failed)
        XCTAssertTrue(failed.closed)
        XCTAssertEqual(failed.take(), "", "a failed handshake has no channel to answer on")
    }

    func testATimerFiringEarlyOrWithoutADeadlineDoesNothing() {
        let h = MachineHarness()
        h.start()
        h.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertNil(h.deadline, "a producer may compute for as long as it needs")
        h.advance(.seconds(3600))
        XCTAssertFalse(h.closed)
    }

    func testShutdownClosesAnIdleConnectionAtOnceAndABusyOneAfterItsAnswer() {
        let idle = MachineHarness()
        idle.start()
        idle.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = idle.take()
        idle.shutdown()
        XCTAssertTrue(idle.closed)

        let busy = MachineHarness()
        busy.start()
        busy.full = true
        busy.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        busy.shutdown()
        XCTAssertFalse(busy.closed, "an answer still owed is sent first")
        busy.drain()
        let answer = busy.take()
        XCTAssert(answer.hasSuffix("GET /a"), answer)
        XCTAssertTrue(busy.closed, "with its answer sent, nothing more is owed")

        let handshaking = MachineHarness(tls: true)
        handshaking.start()
        handshaking.shutdown()
        XCTAssertTrue(handshaking.closed)
    }

    func testWhatOutlivesTheShutdownGracePeriodIsCutAtItsEnd() {
        // A stream that never ends: no deadline of its own, cut when the grace period ends.
        let h = MachineHarness()
        h.start()
        h.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        h.advance(.seconds(100))
        h.shutdown()
        fireAtItsTime(h, .shutdownGrace, after: h.configuration.shutdownGracePeriod)
        XCTAssertTrue(h.closed)
        XCTAssertTrue(h.channels[0].isCancelled)
        XCTAssertEqual(h.answered, [.clientClosed])

        // A deadline that comes first still fires first; one that would come later is cut short.
        let slow = MachineHarness()
        slow.start()
        slow.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
        slow.advance(.seconds(8))
        slow.shutdown()
        fireAtItsTime(slow, .body, after: slow.configuration.bodyReadTimeout - .seconds(8))
        XCTAssert(slow.take().hasPrefix("HTTP/1.1 408 "))
        fireAtItsTime(slow, .linger, after: slow.configuration.lingerTimeout)
        XCTAssertTrue(slow.closed)

        // A body trickling in would re-arm its read deadline past the grace period's end.
        let trickle = MachineHarness()
        trickle.start()
        trickle.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
        trickle.shutdown()
        trickle.advance(.seconds(10))
        trickle.send("x")
        fireAtItsTime(trickle, .shutdownGrace, after: trickle.configuration.shutdownGracePeriod - .seconds(10))
        XCTAssertTrue(trickle.closed)
        XCTAssertEqual(trickle.take(), "", "cut, not answered")
    }

    func testAClientThatClosesAfterItsRequestsStillGetsTheirAnswers() {
        let h = MachineHarness()
        h.start()
        h.full = true
        h.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        h.peerCloses()
        XCTAssertFalse(h.closed)
        h.drain()
        let text = h.take()
        XCTAssert(text.contains("GET /a") && text.hasSuffix("GET /b"), text)
        XCTAssertTrue(h.closed, "the peer has closed already: no lingering")
        XCTAssertFalse(h.halfClosed)
    }
}
