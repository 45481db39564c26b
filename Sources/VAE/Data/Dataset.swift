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
}
