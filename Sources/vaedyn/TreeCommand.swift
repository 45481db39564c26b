import Experiments
import ArgumentParser
import Foundation
import VAE

struct TreeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Rebuild a model file's concept tree: groups from a tree file or learned from the class concepts.",
        discussion: """
            The class concepts stay as they are; the groups (each the mean of its children) and the root "all" (the mean of the \
            class concepts) are rebuilt, so no data is needed. Writes through a temporary file: MODEL is replaced in one step.
            """)

    @Argument(help: "Model file (.vaem).") var model: String
    @Option(help: "Tree file of the dataset's groups (e.g. trees/fashion-mnist.json).") var semantic: String?
    @Option(help: "Learn the groups: average-linkage clustering of the class concepts cut at these cluster counts (e.g. 5,2).")
    var learned: String?
    @Flag(help: "Back to the paper's tree: each class under \"all\".") var paper = false
    @Option(help: "Output model file (default: MODEL, rewritten in place).") var out: String?

    func validate() throws {
        guard [semantic != nil, learned != nil, paper].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of --semantic FILE, --learned N,N... or --paper")
        }
    }

    func run() throws {
        let choice: TreeChoice
        if let semantic { choice = .semantic(path: semantic) } else if let learned { choice = .learned(clusterCounts: try TreeChoice.counts(learned)) } else {
            choice = .paper
        }
        var bundle = try reporting(model) { try ModelBundle(contentsOf: URL(fileURLWithPath: model)) }
        try choice.apply(to: &bundle)
        let destination = out ?? model
        try reporting("writing \(destination)") { try bundle.write(to: URL(fileURLWithPath: destination)) }
        let levels = bundle.description.conceptLevels
        let groups = bundle.description.concepts.filter { $0.level != levels.first && $0.level != levels.last }
        print("\(destination): levels item, \(levels.joined(separator: ", ")); \(groups.count) groups")
        for g in groups {
            let members = bundle.description.concepts.filter { $0.parent == g.id }.map(\.label)
            print("  \(g.level) \(g.id): \(members.joined(separator: " | "))")
        }
    }
}
