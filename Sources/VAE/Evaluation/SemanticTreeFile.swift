import Foundation

/// A hand-written tree of a dataset's classes (trees/DATASET.json): group levels from the
/// most specific up, each a list of groups whose members are class names or ids of groups
/// of a lower level. A class in no group of a level attaches to the next level up.
public struct SemanticTreeFile: Codable, Sendable, Equatable {
    public struct Level: Codable, Sendable, Equatable {
        public var name: String
        public var groups: [Group]

        public init(name: String, groups: [Group]) {
            self.name = name
            self.groups = groups
        }
    }

    public struct Group: Codable, Sendable, Equatable {
        public var id: String
        public var label: String
        public var members: [String]

        public init(id: String, label: String, members: [String]) {
            self.id = id
            self.label = label
            self.members = members
        }
    }

    public var dataset: String
    /// Why the groups are what they are, for the reader of the file.
    public var why: String
    public var levels: [Level]

    public init(dataset: String, why: String, levels: [Level]) {
        self.dataset = dataset
        self.why = why
        self.levels = levels
    }
}

/// A tree file as read, with what a model records of it.
public struct SemanticTreeSource: Sendable {
    public let tree: SemanticTreeFile
    /// The path as given, recorded in the model (not resolved: no machine's folders in a file).
    public let path: String
    public let sha256: String

    public init(tree: SemanticTreeFile, path: String, sha256: String) {
        self.tree = tree
        self.path = path
        self.sha256 = sha256
    }

    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConceptTreeError("cannot read the tree file \(path): \(error.localizedDescription)")
        }
        let tree: SemanticTreeFile
        do { tree = try JSONDecoder().decode(SemanticTreeFile.self, from: data) } catch {
            throw ConceptTreeError("\(path) is not a tree file (dataset, why, levels of groups with id, label, members): \(error)")
        }
        self.init(tree: tree, path: path, sha256: SHA256.hex(data))
    }
}
