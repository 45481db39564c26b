import Configuration
import Foundation
import Service
import XCTest

final class SettingsTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryKeyIsDocumented() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("config/README.md"), encoding: .utf8)
        for (key, _) in SettingsLoader.documentedKeys {
            XCTAssertTrue(readme.contains("| `\(key)` |"), "config/README.md does not document \(key)")
        }
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `") }.count
        XCTAssertEqual(rows, SettingsLoader.documentedKeys.count, "config/README.md documents keys vaedyn does not read")
    }

    /// The committed file's values are what a load gives: read from the file itself, not
    /// the code's defaults (which equal them, so a file that was ignored would pass).
    func testCommittedFileIsWhatLoads() async throws {
        let url = Self.root.appendingPathComponent("config/vaedyn.json")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: [String: Any]])
        let loaded = try await SettingsLoader.load(file: url.path, environment: [:])
        XCTAssertEqual(Int(loaded.server.port), json["server"]?["port"] as? Int)
        XCTAssertEqual(loaded.server.host, json["server"]?["host"] as? String)
        XCTAssertEqual(loaded.modelsDirectory, json["models"]?["directory"] as? String)
        XCTAssertEqual(loaded.defaultModel, json["models"]?["default"] as? String)
        XCTAssertEqual(loaded.limits.maxSteps, json["limits"]?["maxSteps"] as? Int)
        XCTAssertEqual(loaded.limits.maxTrials, json["limits"]?["maxTrials"] as? Int)
        XCTAssertEqual(loaded.limits.queueLength, json["limits"]?["queueLength"] as? Int)
    }

    /// A file whose every value differs from the defaults: each one must take effect.
    func testAFileOverridesTheDefaults() async throws {
        let defaults = ServiceSettings()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vaedyn-settings-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let port = Int(defaults.server.port) + 17, steps = defaults.limits.maxSteps / 2, queue = defaults.limits.queueLength + 3
        try Data(#"{"server": {"port": \#(port)}, "models": {"files": ["elsewhere.vaem", "other.vaem"]}, "limits": {"maxSteps": \#(steps), "queueLength": \#(queue)}}"#.utf8)
            .write(to: url)
        let loaded = try await SettingsLoader.load(file: url.path, environment: [:])
        XCTAssertEqual(Int(loaded.server.port), port)
        XCTAssertEqual(loaded.modelFiles, ["elsewhere.vaem", "other.vaem"])
        XCTAssertEqual(loaded.limits.maxSteps, steps)
        XCTAssertEqual(loaded.limits.queueLength, queue)
        XCTAssertEqual(loaded.limits.maxTrials, defaults.limits.maxTrials, "a key the file leaves out keeps its default")
    }

    func testCommittedFileLoadsAndLayersBelowEnvironmentAndFlags() async throws {
        let file = Self.root.appendingPathComponent("config/vaedyn.json").path
        let plain = try await SettingsLoader.load(file: file, environment: [:])
        let env = try await SettingsLoader.load(file: file, environment: ["VAEDYN_SERVER_PORT": "9000", "VAEDYN_LIMITS_MAX_STEPS": "12"])
        XCTAssertEqual(env.server.port, 9000)
        XCTAssertEqual(env.limits.maxSteps, 12)
        let flags = try await SettingsLoader.load(file: file, flags: ["server.port": ConfigValue(.int(7), isSecret: false)],
                                                  environment: ["VAEDYN_SERVER_PORT": "9000"])
        XCTAssertEqual(flags.server.port, 7)
        XCTAssertEqual(flags.server.headerReadTimeout, .seconds(10))
        let queues = try await SettingsLoader.load(file: file, environment: ["VAEDYN_SERVER_EVENT_QUEUES": "1"])
        XCTAssertEqual(queues.server.eventQueueCount, 1)
        XCTAssertNotEqual(plain.server.eventQueueCount, 1, "the default would not show the setting took effect")
    }

    func testBadValuesNameTheirKey() async throws {
        let cases: [([String: String], String)] = [
            (["VAEDYN_SERVER_PORT": "70000"], "server.port"),
            (["VAEDYN_SERVER_PORT": "http"], "server.port"),
            (["VAEDYN_SERVER_IDLE_TIMEOUT": "-1"], "server.idleTimeout"),
            (["VAEDYN_SERVER_GZIP": "perhaps"], "server.gzip"),
            (["VAEDYN_SERVER_EVENT_QUEUES": "0"], "server.eventQueues"),
        ]
        for (environment, key) in cases {
            do {
                _ = try await SettingsLoader.load(file: nil, environment: environment)
                XCTFail("\(environment) was accepted")
            } catch {
                XCTAssertTrue("\(error)".contains("'\(key)'"), "\(environment): \(error)")
            }
        }
    }

    func testMissingNamedFileIsAnError() async {
        do {
            _ = try await SettingsLoader.load(file: "/nonexistent/vaedyn.json", environment: [:])
            XCTFail("accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
    }
}
