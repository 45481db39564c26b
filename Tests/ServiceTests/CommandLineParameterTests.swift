import Dynamics
import Foundation
import HTTP
import Service
import XCTest

/// The command line's options against RunParameter.all, through the built `vaedyn` (the
/// options live in the executable, which a release test cannot import): each parameter is
/// an option of its name with the table's default, and the options given as a request's
/// fields are given run the same parameters.
final class CommandLineParameterTests: XCTestCase {
    /// The binary the test bundle was built with, beside it in the build folder.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vaedyn")

    func vaedyn(_ arguments: [String]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("no vaedyn beside the tests at \(Self.binary.path); build it with the tests (swift build --build-tests)")
        }
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = SettingsTests.root
        let out = Pipe()
        // A file, not a second pipe: nothing reads it while stdout is drained.
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("vaedyn-options-\(UUID().uuidString).log")
        try Data().write(to: errors)
        defer { try? FileManager.default.removeItem(at: errors) }
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Through a handle: String(contentsOf:) of an empty file leaks its 4 KB read buffer
        // in swift-corelibs-foundation (LeakSanitizer reported it under scripts/sanitize).
        let stderr = (try? FileHandle(forReadingFrom: errors).readToEnd()).flatMap { $0.map { String(decoding: $0, as: UTF8.self) } } ?? ""
        XCTAssertEqual(process.terminationStatus, 0, "vaedyn \(arguments.joined(separator: " ")):\n\(stderr.suffix(2000))")
        return String(decoding: data, as: UTF8.self)
    }

    /// Help entries by option: `--steps <steps> Steps T ... (default: 100)`, each on one line.
    func helpEntries(_ command: String) throws -> [String: String] {
        var entries: [String: String] = [:], current: String?
        for line in try vaedyn([command, "--help"]).split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("  --") {
                current = String(text.prefix { $0 != " " })
                entries[current!] = text
            } else if let key = current, line.hasPrefix("      ") {
                entries[key, default: ""] += " " + text
            } else {
                current = nil
            }
        }
        return entries
    }

    /// `meanImage` -> `--mean-image`, as ArgumentParser spells a property.
    static func option(_ name: String) -> String {
        "--" + name.map { $0.isUppercase ? "-" + $0.lowercased() : String($0) }.joined()
    }

    func testEveryParameterIsAnOptionOfItsNameWithTheTablesDefault() throws {
        for (command, experiment) in [("dynamics", RunParameter.Experiment.dynamics), ("sweep", .sweep)] {
            let entries = try helpEntries(command)
            for parameter in RunParameter.all where parameter.experiments.contains(experiment) {
                var option = Self.option(parameter.name), shown: String?
                switch parameter.defaultValue {
                case .integer(let i): shown = "\(i)"
                case .choice(let c): shown = c
                case .boolean(true):
                    option += "/--no-" + option.dropFirst(2)
                    shown = Self.option(parameter.name)
                case .boolean(false), .window, .mask: shown = nil
                case .noise(let n):
                    // A sweep's ratios come from --noise-grid: it takes the kind alone.
                    if experiment == .sweep { option += "-kind" }
                    shown = experiment == .sweep ? n.kind.rawValue : "\(n.kind.rawValue):\(n.ratio)"
                }
                let entry = entries[option]
                XCTAssertNotNil(entry, "vaedyn \(command) has no \(option)")
                if let shown, let entry {
                    XCTAssertTrue(entry.replacingOccurrences(of: "  ", with: " ").contains("(default: \(shown))"), "vaedyn \(command) \(option): \(entry)")
                }
            }
        }
    }

    func testOptionsRunWhatTheSameRequestFieldsRun() throws {
        // Every parameter but memory (it reads the training set), away from its default.
        let given: [(String, String, Any)] = [
            ("steps", "2", 2), ("trials", "3", 3), ("seed", "5", 5), ("noise", "gaussian:0.3", "gaussian:0.3"), ("x", "mean", "mean"),
            ("z", "mean", "mean"), ("measure", "sample", "sample"), ("metric", "cosine", "cosine"), ("aggregate", "state", "state"),
            ("window", "1:2", "1:2"), ("meanImage", "", true), ("projection", "", true), ("binarize", "", false),
            ("kernel", "clamped", "clamped"), ("mask", "square:3,4,5,6", "square:3,4,5,6"),
        ]
        var arguments = ["dynamics", "--model", "models/mnist-default.vaem", "--digit", "6"]
        for (name, text, value) in given {
            if value as? Bool == false { arguments.append("--no-" + Self.option(name).dropFirst(2)) } else { arguments.append(Self.option(name)) }
            if !text.isEmpty { arguments.append(text) }
        }
        let start = try XCTUnwrap(try vaedyn(arguments).split(separator: "\n").first)
        let record = try JSONDecoder().decode(StartRecord.self, from: Data(start.utf8))
        var body: [String: Any] = ["image": ["exemplar": ["digit": 6]]]
        for (name, _, value) in given { body[name] = value }
        let request = HTTPRequest(method: .post, target: "/dynamics", path: "/dynamics", headers: ["Content-Type": "application/json"],
                                  body: Array(try JSONSerialization.data(withJSONObject: body)))
        let decoded = try DynamicsRequest(request, model: RequestDecodingTests.service.model, limits: ComputeLimits()).parameters
        XCTAssertEqual(record.parameters, decoded)
        XCTAssertNotEqual(decoded, DynamicsParameters(), "the fields were not read")
    }
}
