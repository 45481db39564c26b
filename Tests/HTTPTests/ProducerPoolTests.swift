import Foundation
import HTTP
import XCTest

/// The producer pool without sockets: its bound, its order, its threads.
final class ProducerPoolTests: XCTestCase {
    /// A job that notes its start and waits until released.
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var started: [Int] = []
        private var done: [Int] = []
        let release = DispatchSemaphore(value: 0)

        func job(_ n: Int) -> @Sendable () -> Void {
            { [self] in
                lock.withLock { started.append(n) }
                release.wait()
                lock.withLock { done.append(n) }
            }
        }

        var startedOrder: [Int] { lock.withLock { started } }
        var doneCount: Int { lock.withLock { done.count } }
    }

    func testAtMostSizeRunAndTheRestWaitInOrderHoldingNoThread() {
        let pool = ProducerPool(size: 2)
        let gate = Gate()
        for n in 0..<5 { pool.submit(gate.job(n)) }
        XCTAssert(eventually { gate.startedOrder.count == 2 })
        XCTAssertEqual(Set(gate.startedOrder), [0, 1], "the first two, whichever thread came first")
        XCTAssertEqual(pool.threadCount, 2)
        XCTAssertEqual(pool.queuedCount, 3)
        for expected in 3...5 {
            gate.release.signal()
            XCTAssert(eventually { gate.startedOrder.count == expected })
            XCTAssertEqual(gate.startedOrder.last, expected - 1, "waiting jobs start in the order they came")
            XCTAssertLessThanOrEqual(pool.threadCount, 2)
        }
        gate.release.signal()
        gate.release.signal()
        XCTAssert(eventually { gate.doneCount == 5 })
    }

    func testAnIdleThreadIsReusedAndEndsAfterItsIdleTime() {
        let pool = ProducerPool(size: 4, idleTimeout: .milliseconds(100))
        for _ in 0..<3 {
            let done = DispatchSemaphore(value: 0)
            pool.submit { done.signal() }
            XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
            XCTAssert(eventually { pool.idleCount == pool.threadCount }, "the thread is back, waiting")
        }
        XCTAssertEqual(pool.threadCount, 1, "one job at a time needs one thread")
        XCTAssert(eventually { pool.threadCount == 0 }, "an idle thread ends")
        let again = DispatchSemaphore(value: 0)
        pool.submit { again.signal() }
        XCTAssertEqual(again.wait(timeout: .now() + 10), .success, "and a new one is made for new work")
    }

    func testJobsSubmittedTogetherGetThreadsOfTheirOwnUpToTheSize() {
        let pool = ProducerPool(size: 3)
        let gate = Gate()
        for n in 0..<3 { pool.submit(gate.job(n)) }
        XCTAssert(eventually { gate.startedOrder.count == 3 }, "three jobs, three threads, none waiting for another")
        for _ in 0..<3 { gate.release.signal() }
        XCTAssert(eventually { gate.doneCount == 3 })
    }
}
