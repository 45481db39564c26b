import Foundation
import VAE

/// The committed fixtures: the first 100 MNIST test images (labels gzipped), and the first
/// 100 Fashion-MNIST test images in `fashion/`.
enum Fixture {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    static func testImages() throws -> ImageSet {
        try ImageSet(folder: folder, prefix: "t10k")
    }

    static func fashionTestImages() throws -> ImageSet {
        try ImageSet(folder: folder.appendingPathComponent("fashion"), prefix: "t10k")
    }

    /// A scratch folder removed when the returned closure runs.
    static func scratch() throws -> (URL, () -> Void) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vaedyn-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return (url, { try? FileManager.default.removeItem(at: url) })
    }
}
