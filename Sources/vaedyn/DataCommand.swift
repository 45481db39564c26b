import Experiments
import ArgumentParser
import Foundation
import VAE

/// `vaedyn data`: datasets made here rather than fetched.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Make a dataset whose concepts are known (the fetched ones: scripts/fetch-mnist, scripts/fetch-fashion-mnist).",
        subcommands: [HierarchyCommand.self])
}

struct HierarchyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hierarchy",
        abstract: "Write hierarchically correlated binary patterns as IDX files that every command reads like MNIST (docs/hierarchy.md).",
        discussion: """
            GROUPS random parent patterns of 28 x 28 binary units; CLASSES-PER-GROUP children of each, every unit equal to the \
            parent's with probability (1 + b) / 2; items drawn from their child with every unit equal to the child's with \
            probability (1 + item-b) / 2. Labels are the children (classes); the parents are the group level of OUT/tree.json \
            (vaedyn tree --semantic OUT/tree.json). OUT/hierarchy.json holds the spec and every pattern. Deterministic from \
            its options; a model trained on it records the files' SHA-256. --b 0 --item-b 0 is the structureless control: the \
            same items and labels with no pattern behind them.
            """)

    @Option(help: "Folder to write (created; refused if it holds other files).") var out: String
    @Option(help: "Seed of every pattern and item.") var seed: UInt64 = 1
    @Option(help: "Parent patterns (the groups).") var groups = 4
    @Option(name: .customLong("classes-per-group"), help: "Children of each parent (the classes).") var classesPerGroup = 3
    @Option(help: "Correlation b of a child with its parent.") var b: Float = 0.6
    @Option(name: .customLong("item-b"), help: "Correlation of an item with its child (flip rate (1 - item-b) / 2).") var itemB: Float = 0.8
    @Option(name: .customLong("train-per-class"), help: "Training items of each class.") var trainPerClass = 5000
    @Option(name: .customLong("test-per-class"), help: "Test items of each class.") var testPerClass = 1000

    var spec: HierarchySpec {
        HierarchySpec(seed: seed, groups: groups, classesPerGroup: classesPerGroup, childCorrelation: b, itemCorrelation: itemB,
                      trainPerClass: trainPerClass, testPerClass: testPerClass)
    }

    func validate() throws {
        do { try spec.validate() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let hierarchy = try Hierarchy(spec)
        try reporting("--out \(out)") { try hierarchy.write(to: URL(fileURLWithPath: out)) }
        let hashes = try Checkpoint.hashData(folder: URL(fileURLWithPath: out))
        print("wrote \(out): \(spec.classes) classes in \(spec.groups) groups, \(hierarchy.train.count) training and \(hierarchy.test.count) test items")
        for (name, hash) in hashes.sorted(by: { $0.key < $1.key }) { print("\(hash)  \(name)") }
        print("train on it with: vaedyn train --dataset \(Dataset.hierarchyID) --data \(out) --out models/NAME.vaem; "
            + "its tree: vaedyn tree models/NAME.vaem --semantic \(out)/\(HierarchyDescription.treeFile)")
    }
}
