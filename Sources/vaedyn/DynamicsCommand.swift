import Experiments
import ArgumentParser
import Dynamics
import Foundation
import VAE

struct DynamicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamics",
        abstract: "Run many chains from one noisy input and stream a record per step (Fig 2a-c).",
        discussion: "Records (NDJSON, see docs/records.md) go to stdout, progress to stderr. Ctrl-C stops after the current step with a summary marked done: false.")

    @OptionGroup var input: InputOptions
    @OptionGroup var chain: ChainOptions
    @Option(help: "Noise on x0, KIND:RATIO with KIND replace, flip, salt-pepper or gaussian.") var noise = DynamicsParameters().noise.description
    @Flag(name: .customLong("mean-image"), help: "Step records carry the mean over trials of x(t).") var meanImage = false
    @Flag(help: "Step records carry every trial's state on the two projection axes.") var projection = false
    @Flag(help: "Step records carry the classes of the trials' nearest training memories (reads the training set from --data).") var memory = false
    @Flag(help: "Step records carry each concept's contrast with the other concepts of its level, and its change since t = 0.") var contrast = false
    @Option(help: "ndjson or csv (step rows only).") var format = "ndjson"

    func run() throws {
        guard let format = RecordWriter.Format(rawValue: format) else { throw ValidationError("--format must be ndjson or csv") }
        let model = try input.loadModel()
        var parameters = try chain.parameters()
        parameters.noise = try reporting("--noise") { try NoiseModel(parsing: noise) }
        parameters.meanImage = meanImage
        parameters.projection = projection
        parameters.memory = memory
        parameters.contrast = contrast
        let progress = Progress()
        var bank: MemoryBank?
        if memory {
            let train = try reporting("training data") { try ImageSet(folder: URL(fileURLWithPath: input.data), prefix: "train") }
            progress.line("encoding \(train.count) training images for nearest memories")
            bank = MemoryBank(model: model, train: train)
        }
        let source = try input.input(for: model)
        let run = try reporting("dynamics") { try DynamicsRun(model: model, input: source, parameters: parameters, memory: bank) }
        let writer = RecordWriter(format: format, to: FileHandle.standardOutput.write)
        let started = Date()
        let last = run.run(isCancelled: { Interrupt.shared.isRequested }) { record in
            writer.write(record)
            if case .step(let s) = record {
                progress.update("step \(s.t)/\(parameters.steps)  nearest \(s.nearest)", fraction: Double(s.t) / Double(parameters.steps))
            }
        }
        let seconds = Date().timeIntervalSince(started)
        switch last {
        case .error(let e): throw CLIError("dynamics failed at step \(e.t ?? 0): \(e.message)")
        case .summary(let s):
            progress.line(String(format: "%d trials x %d steps in %.2f s (%.0f chain-steps/s)%@", parameters.trials, s.completed, seconds,
                                 Double(parameters.trials * s.completed) / max(seconds, 1e-9), s.done ? "" : "; cancelled"))
            if !s.done { throw ExitCode(130) }
        default: break
        }
    }
}
