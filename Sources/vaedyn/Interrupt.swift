import Experiments
import Foundation
import Synchronization

/// Turns the first Ctrl-C (or a SIGTERM) into a request to stop at the next safe point;
/// a second Ctrl-C exits at once.
final class Interrupt: @unchecked Sendable {
    static let shared = Interrupt()
    private let requested = Atomic<Bool>(false)
    // Kept alive for the life of the process; never touched after init.
    private var sources: [DispatchSourceSignal] = []

    private init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { [self] in
                if requested.exchange(true, ordering: .relaxed), sig == SIGINT {
                    FileHandle.standardError.write(Data("\ninterrupted again: exiting without saving\n".utf8))
                    // The main thread is still computing: exit() would tear OpenBLAS down under it.
                    exitNow(130)
                }
                FileHandle.standardError.write(Data("\ninterrupt: stopping after this batch (Ctrl-C again to quit now)\n".utf8))
            }
            s.resume()
            sources.append(s)
        }
    }

    var isRequested: Bool { requested.load(ordering: .relaxed) }
}

/// Ends the process without running atexit handlers and library destructors, which are not
/// safe while other threads still compute (OpenBLAS clears its kernel table in one; a BLAS
/// call still running then dies of SIGSEGV). Buffered output is written first.
func exitNow(_ code: Int32) -> Never {
    fflush(nil)  // every output stream
    _exit(code)
}
