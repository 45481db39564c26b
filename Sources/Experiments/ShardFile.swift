import Foundation
import VAE

/// The results file of one shard: a header line that names the run (command, settings,
/// SHA-256 of its input, shard, units in all), then one line per unit of work in order.
/// Nothing in it depends on time or machine, so a rerun of a shard (Kubernetes reruns a
/// failed pod with the same index) writes the same bytes; the seconds the units took go to
/// a file beside it (`ShardTimings`).
public struct ShardFile<Settings: Codable & Equatable, Result: Codable> {
    public struct Header: Codable, Equatable {
        public var kind = ShardFileKind.kind
        public var command: String
        public var settings: Settings
        /// Of the model file the run read, or for a study of its data files' SHA-256s.
        public var inputSHA256: String
        public var shard: Shard
        /// Units of the whole run; this shard holds the part its command's cut gives it.
        public var units: Int

        public init(command: String, settings: Settings, inputSHA256: String, shard: Shard, units: Int) {
            self.command = command
            self.settings = settings
            self.inputSHA256 = inputSHA256
            self.shard = shard
            self.units = units
        }
    }

    public struct Line: Codable {
        public var unit: Int
        public var result: Result

        public init(unit: Int, result: Result) {
            self.unit = unit
            self.result = result
        }
    }

    public var header: Header
    public var lines: [Line]

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Writes DIRECTORY/COMMAND-shard-I-of-N.jsonl through a temporary file, so that a
    /// shard killed while writing leaves no half file to merge.
    public func write(into directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var data = try Self.encoder.encode(header) + Data("\n".utf8)
        for line in lines { data += try Self.encoder.encode(line) + Data("\n".utf8) }
        let url = directory.appendingPathComponent(header.shard.fileName(header.command))
        try data.write(to: url, options: .atomic)
        return url
    }

    public init(header: Header, lines: [Line]) {
        self.header = header
        self.lines = lines
    }

    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let rows = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = rows.first else { throw ExperimentError("\(url.lastPathComponent) is empty") }
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(first.utf8))
            lines = try rows.dropFirst().map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        } catch {
            throw ExperimentError("\(url.lastPathComponent) is not a shard of this kind of run (\(error))")
        }
    }

    /// The shards of one run, checked to belong together (same command, settings, input and
    /// N; every index once) and to hold every unit once, in order: the results of all units,
    /// and the files in shard order. The cut itself is the command's (even or weighted), so
    /// what is checked is that the shards' units follow on from each other and end at the last.
    public static func merge(_ urls: [URL]) throws -> (header: Header, results: [Result], ordered: [URL]) {
        let files = try urls.map { try Self(contentsOf: $0) }
        guard let first = files.first else { throw ExperimentError("no shard files given") }
        var seen: [Int: String] = [:]
        for (url, file) in zip(urls, files) {
            let name = url.lastPathComponent
            var other = file.header
            other.shard.index = first.header.shard.index
            guard other == first.header else {
                throw ExperimentError("\(name) is from another run than \(urls[0].lastPathComponent): "
                               + "its command, settings, input or number of shards differ (shard \(file.header.shard))")
            }
            if let earlier = seen[file.header.shard.index] {
                throw ExperimentError("shard \(file.header.shard) is given twice: \(earlier) and \(name)")
            }
            seen[file.header.shard.index] = name
        }
        let n = first.header.shard.count
        let missing = (0..<n).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw ExperimentError("shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) of the run \(missing.count > 1 ? "are" : "is") missing")
        }
        let ordered = zip(urls, files).sorted { $0.1.header.shard.index < $1.1.header.shard.index }
        var next = 0
        for (url, file) in ordered {
            let units = file.lines.map(\.unit)
            guard units == Array(next..<(next + units.count)), file.header.shard.index < n - 1 || next + units.count == first.header.units else {
                throw ExperimentError("\(url.lastPathComponent) holds units \(units.first.map { "\($0)..<\(units.last! + 1)" } ?? "none") where the shards "
                               + "before it end at unit \(next) of \(first.header.units) (a shard of another cut, or one that stopped early?)")
            }
            next += units.count
        }
        return (first.header, ordered.flatMap { $0.1.lines.map(\.result) }, ordered.map(\.0))
    }
}

/// The seconds each unit of a shard took, in DIRECTORY/COMMAND-shard-I-of-N.seconds.json
/// beside its shard file: kept apart so that the shard file's bytes do not depend on time.
/// `Timing` is what a unit reports (seconds, or several kinds of them).
public enum ShardTimings<Timing: Codable> {
    public static func url(beside shardFile: URL) -> URL {
        shardFile.deletingPathExtension().appendingPathExtension("seconds.json")
    }

    public static func write(_ timings: [Timing], beside shardFile: URL) throws {
        try JSONEncoder().encode(timings).write(to: url(beside: shardFile), options: .atomic)
    }

    /// The timings of the units of `ordered` shard files, in order; nil when a file's
    /// timings are missing or do not match its units (the results are complete without them).
    public static func read(beside ordered: [URL], units: Int) -> [Timing]? {
        var all: [Timing] = []
        for shardFile in ordered {
            guard let data = try? Data(contentsOf: url(beside: shardFile)), let timings = try? JSONDecoder().decode([Timing].self, from: data) else {
                return nil
            }
            all += timings
        }
        return all.count == units ? all : nil
    }
}

/// What any shard file starts with, read before its command's own types are known.
public struct ShardFileKind: Decodable {
    public static let kind = "vaedyn-shard"
    public var kind: String
    public var command: String

    public init(contentsOf url: URL) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        // The header line is small: settings, a hash and a few numbers.
        let head = try handle.read(upToCount: 1 << 20) ?? Data()
        let line = head.prefix { $0 != UInt8(ascii: "\n") }
        guard let decoded = try? JSONDecoder().decode(Self.self, from: line), decoded.kind == Self.kind else {
            throw ExperimentError("\(url.lastPathComponent) is not a vaedyn shard file (its first line is not a shard header)")
        }
        self = decoded
    }
}
