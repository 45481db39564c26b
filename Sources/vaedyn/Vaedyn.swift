import ArgumentParser

@main
struct Vaedyn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaedyn",
        abstract: "Train a VAE on MNIST or Fashion-MNIST and watch its sampling dynamics find concepts.",
        subcommands: [Train.self, Eval.self, Bench.self, DynamicsCommand.self, SweepCommand.self, ReproduceCommand.self, StudyCommand.self, ImputeCommand.self, TreeCommand.self, ExportCommand.self, ImportCommand.self, MergeCommand.self, EncodeCommand.self,
                      Serve.self, Health.self, ParametersCommand.self]
    )
}
