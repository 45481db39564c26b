import Experiments
import Logging

/// The command-line tool's logger: timestamped lines on stderr, so that long jobs leave a
/// readable record in their log files. Progress bars are drawn separately (`Progress`).
enum Log {
    static let logger: Logger = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        return Logger(label: "vaedyn")
    }()
}
