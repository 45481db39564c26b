import Experiments
import ArgumentParser
import Foundation
import VAE

struct LadderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ladder",
        abstract: "Train and measure the paper's network on generated hierarchies over b and on the structureless control (docs/hierarchy.md).",
        discussion: """
            For each b of --b, then for the structureless control (b = 0 at every level): writes the data (vaedyn data \
            hierarchy) into --work, trains the network on it, puts the generator's tree on the model, and measures it as \
            vaedyn reproduce does (controls, decided stage calls, nearest memories) and how well its concepts recover the \
            true patterns; one line per rung is appended to --results. Rerun the same command to resume: measured rungs are \
            skipped, a rung cut short is redone. --report writes the Markdown report from --results alone.
            """)

    @Option(help: "Child-parent correlations b of the structured rungs.") var b = "0,0.2,0.4,0.6,0.8"
    @Option(name: .customLong("item-b"), help: "Item-child correlation of the structured rungs.") var itemB: Float = 0.8
    @Option(help: "Parent patterns (groups).") var groups = 4
    @Option(name: .customLong("classes-per-group"), help: "Classes of each group.") var classesPerGroup = 3
    @Option(name: .customLong("train-per-class"), help: "Training items of each class.") var trainPerClass = 5000
    @Option(name: .customLong("test-per-class"), help: "Test items of each class.") var testPerClass = 1000
    @Option(name: .customLong("data-seed"), help: "Seed of the patterns and items.") var dataSeed: UInt64 = 1
    @Option(help: "Hidden units.") var hidden = 1024
    @Option(help: "Latent units.") var latent = 20
    @Option(help: "Training epochs of each rung.") var epochs = 10
    @Option(name: .customLong("train-seed"), help: "Seed of the initial weights and the training.") var trainSeed: UInt64 = 1
    @Option(name: .customLong("per-class"), help: "Dynamics inputs: the first N test items of each class.") var perClass = 10
    @Option(help: "Noise ratio of the Fig 2b runs (replace noise).") var noise: Float = 0.2
    @Option(help: "Trials of each Fig 2b run.") var trials = 100
    @Option(help: "Steps of each Fig 2b run.") var steps = 50
    @Option(name: .customLong("sweep-trials"), help: "Trials of each Fig 3 point.") var sweepTrials = 30
    @Option(name: .customLong("sweep-steps"), help: "Steps of each Fig 3 point.") var sweepSteps = 30
    @Option(help: "Noise ratios of Fig 3, FROM:TO:STEP.") var grid = "0:1:0.1"
    @Option(help: "Seed of every dynamics and sweep run.") var seed: UInt64 = 1
    @Option(help: "Work folder: each rung's data and model (git-ignored; never commit it).") var work = ".build-ladder"
    @Option(help: "Results file (JSON Lines, one line per rung).") var results = "docs/hierarchy/results.jsonl"
    @Flag(help: "Write the report (--out) from --results instead of running the ladder.") var report = false
    @Option(help: "The report's Markdown file.") var out = "docs/hierarchy/ladder.md"

    func settings() throws -> LadderSettings {
        let values = b.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw ValidationError("--b must be numbers B,B,B, got '\(b)'") }
        return LadderSettings(correlations: values.map { $0! }, itemCorrelation: itemB, groups: groups, classesPerGroup: classesPerGroup,
                              trainPerClass: trainPerClass, testPerClass: testPerClass, dataSeed: dataSeed, hidden: hidden, latent: latent,
                              epochs: epochs, trainSeed: trainSeed,
                              measures: PopulationMeasures(perClass: perClass, noise: noise, trials: trials, steps: steps, sweepTrials: sweepTrials,
                                                           sweepSteps: sweepSteps, grid: grid, seed: seed))
    }

    func validate() throws {
        guard !report else { return }
        do { try settings().validate() } catch let error as ValidationError { throw error } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        if report {
            let records = try ResultsFile.read(LadderRecord.self, results)
            guard !records.isEmpty else { throw CLIError("\(results) holds no rungs") }
            let text = try LadderReport(records: records, results: results).markdown()
            try reporting("writing \(out)") {
                try FileManager.default.createDirectory(at: URL(fileURLWithPath: out).deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: out))
            }
            return Progress().line("wrote \(out) from \(records.count) rungs")
        }
        let ladder = try HierarchyLadder(settings: try settings(), work: work, results: results)
        try ladder.run(progress: Progress(), isCancelled: { Interrupt.shared.isRequested })
    }
}
