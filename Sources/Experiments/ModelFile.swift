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

    /// Refuses shards that ran on other bytes than the file at `path` holds now.
    public static func require(_ path: String, sha256 actual: String, ranOn recorded: String) throws {
        guard actual == recorded else {
            throw ExperimentError("\(path) is not the model file the shards ran on (SHA-256 \(actual.prefix(12))..., the shards' \(recorded.prefix(12))...)")
        }
    }
}
