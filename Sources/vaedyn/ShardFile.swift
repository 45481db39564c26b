import Foundation
import VAE

/// The results file of one shard: a header line that names the run (command, settings,
/// model SHA-256, shard, units in all), then one line per unit of work in order. Nothing in
/// it depends on time or machine, so a rerun of a shard (Kubernetes reruns a failed pod with
/// the same index) writes the same bytes.
struct ShardFile<Settings: Codable & Equatable, Result: Codable> {
    struct Header: Codable, Equatable {
        var kind = ShardFileKind.kind
        var command: String
        var settings: Settings
        var modelSHA256: String
        var shard: Shard
        /// Units of the whole run; this shard holds `shard.units(of: units)`.
        var units: Int
    }

    struct Line: Codable {
        var unit: Int
        var result: Result
    }

    var header: Header
    var lines: [Line]

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Writes DIRECTORY/COMMAND-shard-I-of-N.jsonl through a temporary file, so that a
    /// shard killed while writing leaves no half file to merge.
    func write(into directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var data = try Self.encoder.encode(header) + Data("\n".utf8)
        for line in lines { data += try Self.encoder.encode(line) + Data("\n".utf8) }
        let url = directory.appendingPathComponent(header.shard.fileName(header.command))
        try data.write(to: url, options: .atomic)
        return url
    }

    init(header: Header, lines: [Line]) {
        self.header = header
        self.lines = lines
    }

    init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let rows = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = rows.first else { throw CLIError("\(url.lastPathComponent) is empty") }
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(first.utf8))
            lines = try rows.dropFirst().map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        } catch {
            throw CLIError("\(url.lastPathComponent) is not a shard of this kind of run (\(error))")
        }
    }

    /// The shards of one run, checked to belong together (same command, settings, model and
    /// N; every index once), each holding exactly its units: the results of all units in order.
    static func merge(_ urls: [URL]) throws -> (Header, [Result]) {
        let files = try urls.map { try Self(contentsOf: $0) }
        guard let first = files.first else { throw CLIError("no shard files given") }
        var seen: [Int: String] = [:]
        for (url, file) in zip(urls, files) {
            let name = url.lastPathComponent
            var other = file.header
            other.shard = first.header.shard
            guard other == first.header else {
                throw CLIError("\(name) is from another run than \(urls[0].lastPathComponent): "
                               + "its command, settings, model or number of shards differ (shard \(file.header.shard))")
            }
            if let earlier = seen[file.header.shard.index] {
                throw CLIError("shard \(file.header.shard) is given twice: \(earlier) and \(name)")
            }
            seen[file.header.shard.index] = name
            let expected = Array(file.header.shard.units(of: file.header.units))
            guard file.lines.map(\.unit) == expected else {
                throw CLIError("\(name) holds units \(file.lines.map(\.unit)) where shard \(file.header.shard) of \(file.header.units) holds "
                               + "\(expected.first.map { "\($0)..<\(expected.last! + 1)" } ?? "none") (a shard stopped early?)")
            }
        }
        let n = first.header.shard.count
        let missing = (0..<n).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw CLIError("shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) of the run \(missing.count > 1 ? "are" : "is") missing")
        }
        let ordered = files.sorted { $0.header.shard.index < $1.header.shard.index }
        return (first.header, ordered.flatMap { $0.lines.map(\.result) })
    }
}

/// What any shard file starts with, read before its command's own types are known.
struct ShardFileKind: Decodable {
    static let kind = "vaedyn-shard"
    var kind: String
    var command: String

    init(contentsOf url: URL) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        // The header line is small: settings, a hash and a few numbers.
        let head = try handle.read(upToCount: 1 << 20) ?? Data()
        let line = head.prefix { $0 != UInt8(ascii: "\n") }
        guard let decoded = try? JSONDecoder().decode(Self.self, from: line), decoded.kind == Self.kind else {
            throw CLIError("\(url.lastPathComponent) is not a vaedyn shard file (its first line is not a shard header)")
        }
        self = decoded
    }
}
