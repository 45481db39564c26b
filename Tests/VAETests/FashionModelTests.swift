import Foundation
import VAE
import XCTest

/// The committed Fashion-MNIST model: trained on the hash-checked Debian files, measured,
/// carrying Zalando's class names and the semantic tree of trees/fashion-mnist.json.
final class FashionModelTests: XCTestCase {
    static let url = CommittedModel.folder.appendingPathComponent("fashion-default.vaem")

    func load() throws -> ModelBundle {
        try ModelBundle(contentsOf: Self.url)
    }

    func testFileIsSmallEnoughToCommit() throws {
        try CommittedModel.assertSmallEnoughToCommit(Self.url)
    }

    func testItWasTrainedAndMeasuredOnFashionMNIST() throws {
        let model = try load()
        XCTAssertEqual(model.architecture, .paper)
        XCTAssertEqual(model.description.dataset, "fashion-mnist")
        XCTAssertEqual(model.description.classNames.first, "T-shirt/top")
        XCTAssertEqual(model.description.classNames.last, "Ankle boot")
        let training = try XCTUnwrap(model.description.training)
        // The SHA-256 scripts/fetch-fashion-mnist checks (the uncompressed Debian file).
        XCTAssertEqual(training.dataSHA256["train-images-idx3-ubyte"], "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888")
        try CommittedModel.assertMeasuredOnTheTestSet(model)
    }

    func testFixtureFigureIsReproducedFromTheWeights() throws {
        try CommittedModel.assertFixtureFigure(of: load(), on: Fixture.fashionTestImages())
    }

    /// The groups are the tree file's, read here as plain JSON, and each group concept is
    /// the mean of its members' class concepts.
    func testTheTreeIsTheSemanticFile() throws {
        let model = try load()
        let d = model.description
        XCTAssertEqual(d.conceptTree?.source, .semantic)
        let treeFile = CommittedModel.folder.deletingLastPathComponent().appendingPathComponent("trees/fashion-mnist.json")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: treeFile)) as? [String: Any])
        let groups = try XCTUnwrap((json["levels"] as? [[String: Any]])?.first?["groups"] as? [[String: Any]])
        for group in groups {
            let id = try XCTUnwrap(group["id"] as? String), members = try XCTUnwrap(group["members"] as? [String])
            let g = try XCTUnwrap(d.concepts.firstIndex { $0.id == id }, id)
            let children = d.concepts.indices.filter { d.concepts[$0].parent == id }
            XCTAssertEqual(Set(children.map { d.concepts[$0].label }), Set(members), id)
            for j in 0..<model.architecture.latentSize {
                let mean = children.map { model.conceptVectors[$0][j] }.reduce(0, +) / Float(children.count)
                XCTAssertEqual(model.conceptVectors[g][j], mean, accuracy: 1e-5, id)
            }
        }
    }
}
