import Experiments
import ArgumentParser
import Configuration
import Foundation
import HTTP

/// The container's HEALTHCHECK: asks the local `vaedyn serve` for /healthz, finding its port
/// and scheme in the same settings serve reads, so that no HTTP client has to be installed.
struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exit 0 if the local `vaedyn serve` answers /healthz with 200.",
        discussion: """
        Reads the settings serve reads (the configuration file, then VAEDYN_* variables) for \
        the port and for whether TLS is on; a server listening on every address is asked on \
        loopback.
        """)

    @Option(help: "Port, when not the configured one.") var port: Int?
    @Option(help: "Configuration file (JSON).") var config: String?
    @Option(help: "Seconds to wait for the answer.") var timeout: Double = 5

    func run() throws {
        var flags: [String: ConfigValue] = [:]
        if let port { flags["server.port"] = ConfigValue(.int(port), isSecret: false) }
        let settings = try loadSettings(file: config, flags: flags)
        let host = switch settings.server.host {
        case "0.0.0.0": "127.0.0.1"
        case "::": "::1"
        case let named: named
        }
        let status: Int
        do {
            status = try HTTPProbe.status(host: host, port: settings.server.port, path: "/healthz",
                                          tls: settings.tlsCertificatePath != nil, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw CLIError("unhealthy: \(error)")
        }
        guard status == 200 else { throw CLIError("unhealthy: /healthz answered \(status)") }
        print("healthy")
    }
}
