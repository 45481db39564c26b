import ArgumentParser
import Experiments
import VAE

/// A failure to report in one line and exit non-zero, without a stack trace: the same
/// error the experiments throw, so that the command line passes theirs through as they are.
typealias CLIError = ExperimentError

extension Activation: ExpressibleByArgument {}
