import HTTP
import Service
import Synchronization
import XCTest

/// The compute gate without sockets: admission and refusal, queue order, wake-ups by the
/// slot that frees, and withdrawal of a waiting request.
final class ComputeGateTests: XCTestCase {
    func gate(running: Int, waiting: Int) -> ComputeGate {
        var limits = ComputeLimits()
        limits.maxConcurrent = running
        limits.queueLength = waiting
        return ComputeGate(limits: limits, metrics: ServiceMetrics())
    }

    func testBeyondRunningAndWaitingIsRefusedWith503() throws {
        let g = gate(running: 1, waiting: 2)
        let tickets = try (0..<3).map { _ in try g.admit() }
        XCTAssertThrowsError(try g.admit()) { error in
            let http = error as? HTTPError
            XCTAssertEqual(http?.status.code, 503)
            XCTAssertEqual(http?.headers["Retry-After"], "2")
        }
        XCTAssertEqual(g.waiting, 3)
        tickets[0].finish()
        XCTAssertNoThrow(try g.admit(), "a place given back is free again")
    }

    func testWaitingTicketsStartInArrivalOrderAsSlotsFree() throws {
        let g = gate(running: 1, waiting: 4)
        let started = Mutex<[Int]>([])
        let tickets = try (0..<4).map { _ in try g.admit() }
        for (i, t) in tickets.enumerated() { t.whenRunning { started.withLock { $0.append(i) } } }
        XCTAssertEqual(started.withLock { $0 }, [0], "only the first has a slot")
        XCTAssertEqual(g.running, 1)
        XCTAssertEqual(g.waiting, 3)
        tickets[0].finish()
        XCTAssertEqual(started.withLock { $0 }, [0, 1], "the freed slot wakes the oldest waiting ticket at once")
        tickets[1].finish()
        tickets[2].finish()
        XCTAssertEqual(started.withLock { $0 }, [0, 1, 2, 3])
        tickets[3].finish()
        XCTAssertEqual(g.running, 0)
        XCTAssertEqual(g.waiting, 0)
    }

    func testAWithdrawnTicketNeverStartsAndGivesItsPlaceBack() throws {
        let g = gate(running: 1, waiting: 2)
        let started = Mutex<[Int]>([])
        let tickets = try (0..<3).map { _ in try g.admit() }
        for (i, t) in tickets.enumerated() { t.whenRunning { started.withLock { $0.append(i) } } }
        XCTAssertTrue(tickets[1].withdraw(), "a waiting ticket can be withdrawn")
        XCTAssertFalse(tickets[0].withdraw(), "a running one cannot: it keeps its slot until it ends")
        XCTAssertEqual(g.waiting, 1)
        tickets[0].finish()
        XCTAssertEqual(started.withLock { $0 }, [0, 2], "the withdrawn ticket was skipped")
        tickets[2].finish()
        XCTAssertEqual(g.running + g.waiting, 0)
    }

    func testADroppedTicketGivesItsPlaceBack() throws {
        let g = gate(running: 1, waiting: 0)
        do { _ = try g.admit() }
        XCTAssertEqual(g.running + g.waiting, 0)
        XCTAssertNoThrow(try g.admit())
    }
}
