import Foundation

/// Progress on stderr: a redrawn bar on a terminal, plain lines (at most every few
/// seconds) otherwise, so logs stay readable.
final class Progress {
    private let interactive = isatty(STDERR_FILENO) == 1
    private var lastLine = Date.distantPast
    private var barShown = false

    func update(_ text: @autoclosure () -> String, fraction: Double) {
        if interactive {
            let width = 24
            let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(text())\u{1B}[K".utf8))
            barShown = true
        } else if Date().timeIntervalSince(lastLine) >= 5 {
            FileHandle.standardError.write(Data((text() + "\n").utf8))
            lastLine = Date()
        }
    }

    /// A permanent line through the logger (clears a bar first).
    func line(_ text: String) {
        clear()
        Log.logger.info("\(text)")
    }

    /// Runs `body` under a line naming it, a bar fed by the count `body` reports (of `total`), and a closing line with its seconds.
    func phase<T>(_ name: String, total: Int, _ body: (@escaping (Int) -> Void) throws -> T) throws -> T {
        let t0 = Date()
        line(name)
        let result = try body { [self] done in
            let rate = Double(done) / max(Date().timeIntervalSince(t0), 1e-9)
            update("\(name): \(done)/\(total)  ETA \(formatDuration(Double(total - done) / rate))", fraction: Double(done) / Double(total))
        }
        line(String(format: "  %.0f s", Date().timeIntervalSince(t0)))
        return result
    }

    func clear() {
        if barShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            barShown = false
        }
    }
}

func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
}
