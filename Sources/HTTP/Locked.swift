import Foundation

/// A value behind a lock, with `Mutex`'s `withLock`.
///
/// `Synchronization.Mutex` would do, but on Linux it is a bare futex that ThreadSanitizer
/// cannot see, so every access it guards is reported as a race (docs/reliability.md,
/// "Sanitizers"). This one locks a pthread mutex (through NSLock), which TSan understands,
/// at the same cost when uncontended.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
