import Experiments
import ArgumentParser

@main
struct Vaedyn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaedyn",
        abstract: "Train a VAE on MNIST or Fashion-MNIST and watch its sampling dynamics find concepts.",
        subcommands: [Train.self, Eval.self, Bench.self, DynamicsCommand.self, SweepCommand.self, ReproduceCommand.self, StudyCommand.self, ImputeCommand.self, TreeCommand.self, ExportCommand.self, ImportCommand.self, MergeCommand.self, EncodeCommand.self, DataCommand.self, LadderCommand.self,
                      Serve.self, Health.self, ParametersCommand.self]
    )

    /// The experiments throw `CancellationError` when told to stop (Ctrl-C or SIGTERM, see
    /// `Interrupt`) after saving what they can; the command line's convention for that is
    /// exit 130.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch is CancellationError {
            exit(withError: ExitCode(130))
        } catch {
            exit(withError: error)
        }
    }
}
