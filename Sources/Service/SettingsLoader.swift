import Configuration
import Foundation
import HTTP

public struct SettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ key: String, _ problem: String) { description = "configuration key '\(key)': \(problem)" }
    init(_ message: String) { description = message }
}

/// Reads `ServiceSettings` through swift-configuration from, in order of precedence:
/// command-line flags, `VAEDYN_*` environment variables (key `server.port` is
/// `VAEDYN_SERVER_PORT`) and a JSON file. A value of the wrong type or out of range, or a
/// key the file has that vaedyn does not know, stops the start with a message naming it
/// (swift-configuration itself falls back to defaults silently).
public enum SettingsLoader {
    public static let defaultFile = "config/vaedyn.json"

    /// `flags` are the keys set on the command line; `file` nil means the default file,
    /// which may be absent, while a named file must exist.
    public static func load(file: String?, flags: [String: ConfigValue] = [:],
                            environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ServiceSettings {
        let path = file ?? defaultFile
        if file != nil && !FileManager.default.fileExists(atPath: path) {
            throw SettingsError("configuration file \(path) does not exist")
        }
        try checkKnownKeys(path)
        let fileProvider: FileProvider<JSONSnapshot>
        do { fileProvider = try await FileProvider<JSONSnapshot>(filePath: .init(path), allowMissing: true) } catch {
            throw SettingsError("configuration file \(path) is not valid JSON: \(error)")
        }
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey(ConfigKey($0.key)), $0.value) })),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "vaedyn"),
            fileProvider,
        ])
        var settings = ServiceSettings()
        for setting in SettingKey.all { try setting.apply(reader, &settings) }
        return settings
    }

    /// Every key vaedyn reads, with its one-line documentation (config/README.md lists them;
    /// a test keeps the two in step).
    public static var documentedKeys: [(key: String, help: String)] { SettingKey.all.map { ($0.key, $0.help) } }

    /// Every key in the file must be one vaedyn reads: a typo must not pass unnoticed.
    static func checkKnownKeys(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SettingsError("configuration file \(path) must hold one JSON object")
        }
        let known = Set(SettingKey.all.map(\.key))
        func walk(_ object: [String: Any], _ prefix: String) throws {
            for (name, value) in object {
                let key = prefix.isEmpty ? name : "\(prefix).\(name)"
                if name == "_comment" || name.hasPrefix("//") { continue }
                if let nested = value as? [String: Any] {
                    try walk(nested, key)
                } else if !known.contains(key) {
                    throw SettingsError(key, "unknown in \(path); known keys: \(known.sorted().joined(separator: ", "))")
                }
            }
        }
        try walk(object, "")
    }
}

/// One configuration key: its name, its documentation and how it is read and checked.
struct SettingKey: Sendable {
    let key: String
    let help: String
    let apply: @Sendable (ConfigReader, inout ServiceSettings) throws -> Void

    static func int(_ key: String, _ range: ClosedRange<Int>, _ help: String,
                    _ set: @escaping @Sendable (inout ServiceSettings, Int) -> Void) -> SettingKey {
        SettingKey(key: key, help: help) { reader, settings in
            guard let value = try read(reader, key, { reader.int(forKey: ConfigKey(key)) }, "a whole number") else { return }
            guard range.contains(value) else { throw SettingsError(key, "\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
            set(&settings, value)
        }
    }

    static func seconds(_ key: String, _ range: ClosedRange<Double>, _ help: String,
                        _ set: @escaping @Sendable (inout ServiceSettings, Duration) -> Void) -> SettingKey {
        SettingKey(key: key, help: help) { reader, settings in
            guard let value = try read(reader, key, { reader.double(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(Double.init) },
                                       "a number of seconds") else { return }
            guard range.contains(value) else { throw SettingsError(key, "\(value) s is outside \(range.lowerBound)...\(range.upperBound) s") }
            set(&settings, .milliseconds(Int64((value * 1000).rounded())))
        }
    }

    static func string(_ key: String, _ help: String, _ set: @escaping @Sendable (inout ServiceSettings, String) -> Void) -> SettingKey {
        SettingKey(key: key, help: help) { reader, settings in
            guard let value = try read(reader, key, { reader.string(forKey: ConfigKey(key)) }, "a string") else { return }
            guard !value.isEmpty else { throw SettingsError(key, "must not be empty") }
            set(&settings, value)
        }
    }

    static func strings(_ key: String, _ help: String, _ set: @escaping @Sendable (inout ServiceSettings, [String]) -> Void) -> SettingKey {
        SettingKey(key: key, help: help) { reader, settings in
            guard let value = try read(reader, key, { reader.stringArray(forKey: ConfigKey(key)) }, "a list of strings") else { return }
            guard !value.isEmpty, !value.contains(where: \.isEmpty) else { throw SettingsError(key, "must be a non-empty list of non-empty strings") }
            set(&settings, value)
        }
    }

    static func bool(_ key: String, _ help: String, _ set: @escaping @Sendable (inout ServiceSettings, Bool) -> Void) -> SettingKey {
        SettingKey(key: key, help: help) { reader, settings in
            guard let value = try read(reader, key, { reader.bool(forKey: ConfigKey(key)) }, "true or false") else { return }
            set(&settings, value)
        }
    }

    /// The typed value, nil when the key is absent everywhere, an error when it is present
    /// with a value of another type.
    private static func read<T>(_ reader: ConfigReader, _ key: String, _ typed: () -> T?, _ expected: String) throws -> T? {
        if let value = typed() { return value }
        let k = ConfigKey(key)
        let present = reader.string(forKey: k) != nil || reader.int(forKey: k) != nil || reader.double(forKey: k) != nil
            || reader.bool(forKey: k) != nil || reader.stringArray(forKey: k) != nil
        if present {
            let shown = reader.string(forKey: k).map { "'\($0)'" } ?? "the value given"
            throw SettingsError(key, "\(shown) is not \(expected)")
        }
        return nil
    }

    static let all: [SettingKey] = [
        .string("server.host", "Address to listen on; \"::\" for every IPv6 and IPv4 address.") { $0.server.host = $1 },
        .int("server.port", 0...65535, "TCP port; 0 picks a free one.") { $0.server.port = UInt16($1) },
        .int("server.backlog", 1...65535, "Listen backlog.") { $0.server.backlog = Int32($1) },
        .int("server.maxConnections", 1...100_000, "Open connections beyond this get 503 and are closed.") { $0.server.maxConnections = $1 },
        .int("server.eventQueues", 1...256, "Serial queues the connections are spread over; fewer give a shorter latency tail and fewer requests/s.") {
            $0.server.eventQueueCount = $1
        },
        .int("server.maxRequestLine", 256...1_048_576, "Longest request line in bytes (414 beyond).") { $0.server.limits.maxRequestLineLength = $1 },
        .int("server.maxHeaderBytes", 1024...1_048_576, "Longest header section in bytes (431 beyond).") { $0.server.limits.maxHeaderSectionLength = $1 },
        .int("server.maxHeaderCount", 8...10_000, "Most header fields (431 beyond).") { $0.server.limits.maxHeaderCount = $1 },
        .int("server.maxBodyBytes", 1024...1_073_741_824, "Largest request body in bytes (413 beyond).") { $0.server.limits.maxBodyLength = $1 },
        .seconds("server.headerTimeout", 0.05...3600, "Seconds to receive a request's header section (408 after).") { $0.server.headerReadTimeout = $1 },
        .seconds("server.idleTimeout", 0.05...86_400, "Seconds a kept-alive connection may stay idle.") { $0.server.idleTimeout = $1 },
        .seconds("server.bodyTimeout", 0.05...3600, "Seconds to wait for the next bytes of a body (408 after).") { $0.server.bodyReadTimeout = $1 },
        .seconds("server.bodyTotalTimeout", 0.05...3600, "Seconds a whole request body may take, however steadily it trickles (408 after).") {
            $0.server.bodyTotalTimeout = $1
        },
        .seconds("server.writeStallTimeout", 0.05...3600, "Seconds a client may leave response bytes unread.") { $0.server.writeStallTimeout = $1 },
        .seconds("server.shutdownGrace", 0...600, "Seconds in-flight responses get on SIGINT/SIGTERM.") { $0.server.shutdownGracePeriod = $1 },
        .bool("server.gzip", "Compress responses for clients that accept gzip.") { $0.server.compression.isEnabled = $1 },
        .string("tls.certificate", "PEM certificate chain; with tls.key, the server speaks HTTPS only.") { $0.tlsCertificatePath = $1 },
        .string("tls.key", "PEM private key of tls.certificate.") { $0.tlsKeyPath = $1 },
        .seconds("tls.handshakeTimeout", 0.05...600, "Seconds a TLS handshake may take before the connection is closed.") {
            $0.server.tlsHandshakeTimeout = $1
        },
        .strings("models.files", "Model files (.vaem) to serve, in order; when set, models.directory is not read.") { $0.modelFiles = $1 },
        .string("models.directory", "Folder whose every .vaem file is served (in name order) when models.files is not set.") {
            $0.modelsDirectory = $1
        },
        .string("models.default", "Id (or one of models.files) of the model a request gets when it names none; default the first.") {
            $0.defaultModel = $1
        },
        .string("static.root", "Folder served at / (the page).") { $0.publicRoot = $1 },
        .string("static.vendorRoot", "Folder of Debian-packaged JavaScript libraries.") { $0.vendorRoot = $1 },
        .string("static.vendorPrefix", "URL prefix under which vendorRoot is served.") { $0.vendorPrefix = $1 },
        .int("limits.maxSteps", 1...100_000, "Most steps T of one request.") { $0.limits.maxSteps = $1 },
        .int("limits.maxTrials", 1...100_000, "Most trials of one request.") { $0.limits.maxTrials = $1 },
        .int("limits.maxChainSteps", 1...1_000_000_000, "Most steps x trials (x ratios x inputs) of one request.") { $0.limits.maxChainSteps = $1 },
        .int("limits.maxSweepPoints", 1...1001, "Most noise ratios in one sweep.") { $0.limits.maxSweepPoints = $1 },
        .int("limits.maxSweepInputs", 1...1000, "Most inputs in one sweep.") { $0.limits.maxSweepInputs = $1 },
        .int("limits.maxConcurrent", 1...256, "Computations running at once (default: the core count).") { $0.limits.maxConcurrent = $1 },
        .int("limits.queueLength", 0...10_000, "Computations waiting for a slot; beyond, 503.") { $0.limits.queueLength = $1 },
        .int("limits.retryAfterSeconds", 1...3600, "Retry-After sent with 503.") { $0.limits.retryAfterSeconds = $1 },
    ]
}
