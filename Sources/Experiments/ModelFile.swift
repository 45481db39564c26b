import Foundation
import VAE

/// A model file read once: the bundle and the SHA-256 of its bytes, which shard files
/// record and `vaedyn merge` checks.
public struct ModelFile {
    public let bundle: ModelBundle
    public let sha256: String

    public init(_ path: String) throws {
        let data = try reporting(path) { try Data(contentsOf: URL(fileURLWithPath: path)) }
        bundle = try reporting(path) { try ModelBundle(data: data) }
        sha256 = SHA256.hex(data)
    }
}
