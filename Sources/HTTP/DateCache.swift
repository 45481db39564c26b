#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header value, formatted once per second rather than once per response.
final class DateCache: Sendable {
    private let cached = Locked<(second: Int, value: [UInt8])>((-1, []))

    func current() -> [UInt8] {
        let now = Int(time(nil))
        return cached.withLock { cached in
            if cached.second != now { cached = (now, Array(HTTPDate.format(now).utf8)) }
            return cached.value
        }
    }
}
