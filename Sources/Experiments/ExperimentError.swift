/// A failure to report in one line and stop, without a stack trace: what an experiment
/// throws when its input, settings or files are wrong. The command line prints it as is
/// (its `CLIError` is this type).
public struct ExperimentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs `body`, turning any error into a one-line message in `context` (the library errors
/// describe themselves, naming the file and the problem).
public func reporting<T>(_ context: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ExperimentError { throw e } catch let e as CancellationError { throw e } catch {
        throw ExperimentError("\(context): \(error)")
    }
}

extension Optional {
    public func orThrow(_ why: @autoclosure () -> String) throws -> Wrapped {
        guard let value = self else { throw ExperimentError(why()) }
        return value
    }
}
