import Experiments
import ArgumentParser
import CMalloc
import Configuration
import Foundation
import Service

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API and the page for one or more models.",
        discussion: """
        Settings come from the flags, then VAEDYN_* environment variables (key server.port is \
        VAEDYN_SERVER_PORT), then the configuration file (config/vaedyn.json by default; \
        every key is documented in config/README.md). Stops gracefully on Ctrl-C or SIGTERM.
        """)

    @Option(help: "Address to listen on (server.host).") var host: String?
    @Option(help: "Port; 0 picks a free one (server.port).") var port: Int?
    @Option(help: "Model file to serve; repeat it for several (models.files; default: every .vaem in models.directory).") var model: [String] = []
    @Option(name: .customLong("default-model"), help: "Id or file of the model requests get when they name none (models.default; default: the first).")
    var defaultModel: String?
    @Option(help: "Configuration file (JSON).") var config: String?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain; with --tls-key, serve HTTPS (tls.certificate).") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert (tls.key).") var tlsKey: String?

    func run() throws {
        var flags: [String: ConfigValue] = [:]
        if let host { flags["server.host"] = ConfigValue(.string(host), isSecret: false) }
        if let port { flags["server.port"] = ConfigValue(.int(port), isSecret: false) }
        if !model.isEmpty {
            flags["models.files"] = ConfigValue(.stringArray(model), isSecret: false)
            // Files named here replace the configured set, and with it a configured default
            // that may not be among them: the first file named is the default then.
            flags["models.default"] = ConfigValue(.string(defaultModel ?? model[0]), isSecret: false)
        } else if let defaultModel {
            flags["models.default"] = ConfigValue(.string(defaultModel), isSecret: false)
        }
        if let tlsCertificate { flags["tls.certificate"] = ConfigValue(.string(tlsCertificate), isSecret: false) }
        if let tlsKey { flags["tls.key"] = ConfigValue(.string(tlsKey), isSecret: false) }
        let settings = try loadSettings(file: config, flags: flags)
        // glibc gives threads that allocate at once arenas of their own, up to 8 per core, and
        // every stream runs on a thread: resident memory then climbs in ~20 MB steps for
        // minutes under load (docs/reliability.md). Two arenas keep it flat; the variable
        // still wins when set.
        if ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil { _ = mallopt(M_ARENA_MAX, 2) }
        // A computation's buffers are megabytes each; past this size glibc maps them on their
        // own and unmaps them when they are freed, so a burst of large runs gives its memory
        // back. (Without a fixed threshold glibc raises it to 32 MB after the first frees and
        // keeps such buffers in the arenas.)
        if ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = mallopt(M_MMAP_THRESHOLD, 1 << 20) }
        let service = try reporting("cannot start") { try VaedynService(settings: settings) }
        let server = service.makeServer()
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.shutdown() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        try reporting("cannot listen on \(settings.server.host):\(settings.server.port)") { try server.start() }
        let scheme = service.settings.server.tls == nil ? "http" : "https"
        Log.logger.info("serving \(service.catalog.ids.map { "'\($0)'" }.joined(separator: ", ")) (default '\(service.model.id)') on \(scheme)://\(settings.server.host):\(server.port ?? 0)/ (Ctrl-C stops)")
        // The port line on stdout lets scripts that asked for port 0 find the server.
        FileHandle.standardOutput.write(Data("listening on \(settings.server.host) port \(server.port ?? 0)\n".utf8))
        server.wait()
        Log.logger.info("stopped")
        // Every connection is closed, but a computation whose client left may still be in its
        // last step on another thread: exit() would run the libraries' destructors under it
        // (OpenBLAS clears its kernel table; the step then dies of SIGSEGV, exit code 139
        // instead of 0). Nothing is left to save or send, so the process ends without them.
        exitNow(0)
    }
}

/// The service's settings from the flags given, `VAEDYN_*` variables and the file, or an
/// error naming the key at fault.
func loadSettings(file: String?, flags: [String: ConfigValue]) throws -> ServiceSettings {
    do {
        return try blocking { try await SettingsLoader.load(file: file, flags: flags) }
    } catch {
        throw CLIError("\(error)")
    }
}

/// Runs async work (swift-configuration's file provider) from a synchronous command.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
