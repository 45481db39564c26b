import Foundation
import XCTest

/// The raw-request corpus in `Corpus/*.txt` (format in `Corpus/README.md`).
struct CorpusCase {
    var name: String
    var statuses: [Int]
    var keepAlive: Bool
    var split: Bool
    var bytes: [UInt8]

    var isHead: Bool { bytes.starts(with: "HEAD ".utf8) }

    static func all() throws -> [CorpusCase] {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Corpus", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "txt" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.flatMap { try parse(String(contentsOf: $0, encoding: .utf8), file: $0.lastPathComponent) }
    }

    private static func parse(_ text: String, file: String) throws -> [CorpusCase] {
        var cases: [CorpusCase] = []
        var current: CorpusCase?
        var request = ""
        func finish() throws {
            guard var done = current else { return }
            done.bytes = try decode(request)
            XCTAssertFalse(done.bytes.isEmpty, "\(done.name): empty request")
            cases.append(done)
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("=== ") {
                try finish()
                current = CorpusCase(name: "\(file): \(line.dropFirst(4))", statuses: [], keepAlive: true, split: false, bytes: [])
                request = ""
            } else if line.hasPrefix("expect: "), current != nil {
                let words = line.dropFirst(8).split(separator: " ")
                current!.statuses = words.dropLast().compactMap { Int($0) }
                current!.keepAlive = words.last == "keep-alive"
                XCTAssert(["keep-alive", "close"].contains(words.last ?? ""), "\(current!.name): bad outcome")
            } else if line == "split: yes", current != nil {
                current!.split = true
            } else if current != nil {
                request += line
            }
        }
        try finish()
        return cases
    }

    /// Escapes and the placeholders for requests too long to write out.
    static func decode(_ escaped: String) throws -> [UInt8] {
        let expanded = escaped
            .replacingOccurrences(of: "@LONG_PATH@", with: String(repeating: "a", count: 8200))
            .replacingOccurrences(of: "@LONG_VALUE@", with: String(repeating: "v", count: 33_000))
            .replacingOccurrences(of: "@MANY_FIELDS@", with: (0...100).map { "X-Field-\($0): v\\r\\n" }.joined())
        var bytes: [UInt8] = []
        var iterator = Array(expanded.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            switch iterator.next() {
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "0"): bytes.append(0x00)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "x"):
                let hex = String(decoding: [iterator.next() ?? 0, iterator.next() ?? 0], as: UTF8.self)
                bytes.append(try XCTUnwrap(UInt8(hex, radix: 16), "bad \\x escape"))
            default:
                throw RawClient.Failure(description: "unknown escape in corpus")
            }
        }
        return bytes
    }
}
