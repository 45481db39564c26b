import Foundation

/// The datasets vaedyn trains on: their ids as model files record them, their class names
/// (which travel in every model file), and where their project script puts the IDX files.
public struct Dataset: Sendable, Equatable {
    public let id: String
    public let classNames: [String]
    public let folder: String
    public let fetchScript: String

    public static let mnist = Dataset(id: "mnist", classNames: (0..<10).map(String.init),
                                      folder: "data/mnist", fetchScript: "scripts/fetch-mnist")
    /// Class names in label order, as Zalando's README lists them.
    public static let fashionMNIST = Dataset(
        id: "fashion-mnist",
        classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        folder: "data/fashion-mnist", fetchScript: "scripts/fetch-fashion-mnist")

    public static let all = [mnist, fashionMNIST]

    public static func named(_ id: String) -> Dataset? { all.first { $0.id == id } }

    /// Generated hierarchies (`vaedyn data hierarchy`): their class names are in their folder.
    public static let hierarchyID = "hierarchy"
    /// Every id a command takes.
    public static var ids: [String] { all.map(\.id) + [hierarchyID] }

    /// The dataset `id` whose IDX files are in `folder` (nil: the dataset's own folder); a
    /// generated hierarchy reads its class names from its folder, which must be given.
    public static func resolve(_ id: String, folder: String?) throws -> Dataset {
        if let known = named(id) { return known }
        guard id == hierarchyID else { throw HierarchyError("dataset \(id) is not known; use \(ids.joined(separator: ", "))") }
        guard let folder else { throw HierarchyError("a generated hierarchy has no default folder: give --data FOLDER (made by vaedyn data hierarchy)") }
        let description = try HierarchyDescription(folder: URL(fileURLWithPath: folder))
        return Dataset(id: hierarchyID, classNames: description.classNames, folder: folder, fetchScript: "vaedyn data hierarchy --out \(folder)")
    }
}
