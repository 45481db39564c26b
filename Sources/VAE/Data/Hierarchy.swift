import Foundation

/// Data whose concepts are known: hierarchically correlated binary patterns in the style of
/// Amari (1977) and Matsumoto et al. (2005). `groups` parent patterns are random; each has
/// `classesPerGroup` children whose every unit equals the parent's with probability
/// (1 + b) / 2 (b = `childCorrelation`); the items, training and test samples alike, are
/// drawn from their child with every unit equal to the child's with probability
/// (1 + `itemCorrelation`) / 2. The label is the child (the "class"); the parent is the
/// group level of the tree, so item -> class -> group -> all are each known exactly.
///
/// With both correlations 0 nothing relates an item to its label: the structureless control.
public struct HierarchySpec: Codable, Equatable, Sendable {
    public var seed: UInt64
    public var groups: Int
    public var classesPerGroup: Int
    public var childCorrelation: Float
    public var itemCorrelation: Float
    public var trainPerClass: Int
    public var testPerClass: Int

    /// 28 x 28 binary units: the size of an MNIST image, so that every command reads it as one.
    public static let side = 28
    public static var units: Int { side * side }

    public init(seed: UInt64, groups: Int, classesPerGroup: Int, childCorrelation: Float, itemCorrelation: Float,
                trainPerClass: Int, testPerClass: Int) {
        self.seed = seed
        self.groups = groups
        self.classesPerGroup = classesPerGroup
        self.childCorrelation = childCorrelation
        self.itemCorrelation = itemCorrelation
        self.trainPerClass = trainPerClass
        self.testPerClass = testPerClass
    }

    public var classes: Int { groups * classesPerGroup }
    public var structureless: Bool { childCorrelation == 0 && itemCorrelation == 0 }

    /// Refuses what cannot be written or means nothing, before anything is allocated.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw HierarchyError(message) } }
        try check(groups >= 2, "--groups must be at least 2 (a group level needs two groups), got \(groups)")
        try check(classesPerGroup >= 2, "--classes-per-group must be at least 2 (a group of one is its own class), got \(classesPerGroup)")
        // Labels are one byte in the IDX format.
        try check(classes <= 256, "\(groups) x \(classesPerGroup) = \(classes) classes; at most 256 fit a label byte")
        try check((0...1).contains(childCorrelation), "--b must be in [0, 1], got \(childCorrelation)")
        try check((0...1).contains(itemCorrelation), "--item-b must be in [0, 1], got \(itemCorrelation)")
        try check(trainPerClass >= 1 && testPerClass >= 1, "--train-per-class and --test-per-class must be positive")
        // 60,000 MNIST images are 47 MB; a tenfold of that is past what anyone needs here.
        try check(classes * (trainPerClass + testPerClass) <= 600_000, "\(classes * (trainPerClass + testPerClass)) items; at most 600,000")
    }

    /// "g2c1": group 2's first class (both from 1).
    public func className(_ label: Int) -> String { "g\(label / classesPerGroup + 1)c\(label % classesPerGroup + 1)" }
    public var classNames: [String] { (0..<classes).map(className) }
    public func groupName(_ group: Int) -> String { "g\(group + 1)" }
}

public struct HierarchyError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A generated dataset: its patterns at every level and its items, deterministic from the spec.
public struct Hierarchy: Sendable {
    public let spec: HierarchySpec
    /// Unit values 0 or 1, `HierarchySpec.units` a pattern.
    public let parents: [[UInt8]]
    /// children[label]: the class patterns, label = group x classesPerGroup + child.
    public let children: [[UInt8]]
    public let train: ImageSet, test: ImageSet

    /// Streams of the generator: one per level, and one per item set, so that changing the
    /// number of items leaves the patterns as they were.
    enum Stream: UInt64 { case parents = 1, children, train, test }

    public init(_ spec: HierarchySpec) throws {
        try spec.validate()
        self.spec = spec
        let n = HierarchySpec.units
        var parentStream = RandomStream(seed: spec.seed, stream: Stream.parents.rawValue)
        let parents = (0..<spec.groups).map { _ in (0..<n).map { _ in UInt8(parentStream.next() & 1) } }
        var childStream = RandomStream(seed: spec.seed, stream: Stream.children.rawValue)
        let children = (0..<spec.classes).map { label in
            Self.correlated(with: parents[label / spec.classesPerGroup], b: spec.childCorrelation, stream: &childStream)
        }
        self.parents = parents
        self.children = children
        func items(perClass: Int, stream: Stream) -> ImageSet {
            var random = RandomStream(seed: spec.seed, stream: stream.rawValue)
            var pixels: [UInt8] = [], labels: [UInt8] = []
            pixels.reserveCapacity(spec.classes * perClass * n)
            // Classes interleaved (0, 1, ..., 0, 1, ...), as a shuffled dataset is: the first
            // images of a set hold every class.
            for _ in 0..<perClass {
                for label in 0..<spec.classes {
                    pixels += Self.correlated(with: children[label], b: spec.itemCorrelation, stream: &random).map { $0 * 255 }
                    labels.append(UInt8(label))
                }
            }
            return ImageSet(rows: HierarchySpec.side, columns: HierarchySpec.side, pixels: pixels, labels: labels)
        }
        train = items(perClass: spec.trainPerClass, stream: .train)
        test = items(perClass: spec.testPerClass, stream: .test)
    }

    /// A pattern whose every unit equals `source`'s with probability (1 + b) / 2, else is
    /// its opposite: the correlation of the two, as +-1 units, is b in expectation.
    static func correlated(with source: [UInt8], b: Float, stream: inout RandomStream) -> [UInt8] {
        // The top 24 bits of a draw as a uniform in [0, 1).
        let keep = Double((1 + b) / 2)
        return source.map { unit in Double(stream.next() >> 40) / Double(1 << 24) < keep ? unit : 1 - unit }
    }

    /// The mean over units of the +-1 product of two patterns: their correlation.
    public static func correlation(_ a: [UInt8], _ b: [UInt8]) -> Double {
        Double(zip(a, b).map { $0 == $1 ? 1 : -1 }.reduce(0, +)) / Double(a.count)
    }

    /// The dataset's semantic tree (`vaedyn tree --semantic`): one group level, each group
    /// the children of one parent.
    public func treeFile(dataset: String) -> SemanticTreeFile {
        let groups = (0..<spec.groups).map { g in
            SemanticTreeFile.Group(id: spec.groupName(g), label: "parent pattern \(g + 1)",
                                   members: (0..<spec.classesPerGroup).map { spec.className(g * spec.classesPerGroup + $0) })
        }
        let why = spec.structureless
            ? "The structureless control: the groups are the generator's, but with b = 0 at every level no pattern relates an item to its class or a class to its group."
            : "The generator's own hierarchy: each group is the children of one parent pattern (correlation b = \(spec.childCorrelation) with it), each class one child pattern."
        return SemanticTreeFile(dataset: dataset, why: why, levels: [.init(name: "group", groups: groups)])
    }
}

/// What a generated dataset's folder says of itself (`hierarchy.json`): the spec it was
/// made from, its class names and its patterns, so that a reader can check a model's
/// concepts against the truth.
public struct HierarchyDescription: Codable, Equatable, Sendable {
    public var dataset: String
    public var spec: HierarchySpec
    public var classNames: [String]
    /// The patterns as strings of 0 and 1, `HierarchySpec.units` characters each.
    public var parents: [String]
    public var children: [String]

    public static let file = "hierarchy.json"
    public static let treeFile = "tree.json"

    public init(_ h: Hierarchy) {
        dataset = Dataset.hierarchyID
        spec = h.spec
        classNames = h.spec.classNames
        func text(_ p: [UInt8]) -> String { String(p.map { $0 == 1 ? "1" : "0" }) }
        parents = h.parents.map(text)
        children = h.children.map(text)
    }

    public init(folder: URL) throws {
        let url = folder.appendingPathComponent(Self.file)
        guard let data = try? Data(contentsOf: url) else {
            throw HierarchyError("\(url.path) not found: make the folder with vaedyn data hierarchy --out \(folder.path)")
        }
        do { self = try JSONDecoder().decode(Self.self, from: data) } catch { throw HierarchyError("\(url.path): \(error)") }
        guard classNames.count == spec.classes, parents.count == spec.groups, children.count == spec.classes else {
            throw HierarchyError("\(url.path): \(classNames.count) class names and \(children.count) class patterns for \(spec.classes) classes")
        }
    }

    public func pattern(_ text: String) -> [UInt8] { text.utf8.map { $0 == UInt8(ascii: "1") ? 1 : 0 } }
}

extension Hierarchy {
    /// Writes the folder every command reads like MNIST's: the four IDX files (bytes 0 and
    /// 255), `hierarchy.json` and `tree.json`. Refuses a folder that holds other files than
    /// these, so that a typo never mixes two datasets.
    public func write(to folder: URL) throws {
        let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                     HierarchyDescription.file, HierarchyDescription.treeFile]
        if let found = try? FileManager.default.contentsOfDirectory(atPath: folder.path), let other = found.first(where: { !names.contains($0) }) {
            throw HierarchyError("\(folder.path) holds \(other), not a generated dataset's file: give another --out")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try train.writeIDX(images: folder.appendingPathComponent(names[0]), labels: folder.appendingPathComponent(names[1]))
        try test.writeIDX(images: folder.appendingPathComponent(names[2]), labels: folder.appendingPathComponent(names[3]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(HierarchyDescription(self)) + Data("\n".utf8)).write(to: folder.appendingPathComponent(names[4]))
        try (encoder.encode(treeFile(dataset: Dataset.hierarchyID)) + Data("\n".utf8)).write(to: folder.appendingPathComponent(names[5]))
    }
}
