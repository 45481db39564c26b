import Foundation

/// Where a long experiment says how far it is: the command line draws it on the terminal
/// or writes log lines; tests and libraries may ignore it.
public protocol ExperimentProgress: AnyObject {
    /// A permanent line.
    func line(_ text: String)
    /// A transient line with the fraction done (a bar on a terminal).
    func update(_ text: @autoclosure () -> String, fraction: Double)
    /// Removes a transient line before other output.
    func clear()
}

extension ExperimentProgress {
    /// Runs `body` under a line naming it, updates fed by the count `body` reports (of
    /// `total`), and a closing line with its seconds.
    public func phase<T>(_ name: String, total: Int, _ body: (@escaping (Int) -> Void) throws -> T) throws -> T {
        let t0 = Date()
        line(name)
        let result = try body { [self] done in
            let rate = Double(done) / max(Date().timeIntervalSince(t0), 1e-9)
            update("\(name): \(done)/\(total)  ETA \(formatDuration(Double(total - done) / rate))", fraction: Double(done) / Double(total))
        }
        line(String(format: "  %.0f s", Date().timeIntervalSince(t0)))
        return result
    }
}

/// Progress nobody watches.
public final class SilentProgress: ExperimentProgress {
    public init() {}
    public func line(_ text: String) {}
    public func update(_ text: @autoclosure () -> String, fraction: Double) {}
    public func clear() {}
}

/// "1h05m" or "3m07s".
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
}
