import Experiments
import Foundation

/// Progress on stderr: a redrawn bar on a terminal, plain lines (at most every few
/// seconds) otherwise, so logs stay readable.
final class Progress: ExperimentProgress {
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

    func clear() {
        if barShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            barShown = false
        }
    }
}
