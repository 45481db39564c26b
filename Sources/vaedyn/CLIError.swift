import ArgumentParser
import VAE

/// A failure to report in one line and exit non-zero, without a stack trace.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning any error into a one-line message (the library errors describe
/// themselves, naming the file and the problem).
func reporting<T>(_ context: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as CLIError { throw e } catch {
        throw CLIError("\(context): \(error)")
    }
}

extension Activation: ExpressibleByArgument {}
