import Foundation
import HTTP

/// Every setting of `vaedyn serve`: the server's limits and timeouts, the files it serves
/// and the bounds on computations. Defaults here; `config/vaedyn.json`, `VAEDYN_*`
/// variables and command-line flags override them (see `SettingsLoader`).
public struct ServiceSettings: Sendable {
    public var server = HTTPServer.Configuration()
    /// Model files to serve, in this order; when empty, every `.vaem` in `modelsDirectory`.
    public var modelFiles: [String] = []
    public var modelsDirectory = "models"
    /// The model a request gets when it names none, by id or by one of `modelFiles`; nil
    /// gives the first model loaded.
    public var defaultModel: String?
    /// The page and its assets, served at "/".
    public var publicRoot = "public"
    /// A second static root for third-party scripts installed by Debian packages.
    public var vendorRoot = "/usr/share/javascript"
    public var vendorPrefix = "/vendor/"
    public var limits = ComputeLimits()
    /// PEM files; HTTPS is served when both are given, plain HTTP when neither is.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?

    public init() {}

    /// The files to load: `modelFiles`, or the directory's `.vaem` files by name (so the
    /// order, and with it the default, does not depend on the file system's listing order).
    func modelPaths() throws -> [String] {
        if !modelFiles.isEmpty { return modelFiles }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: modelsDirectory) } catch {
            throw SettingsError("models.directory", "\(modelsDirectory) cannot be listed (\(error.localizedDescription))")
        }
        let files = names.filter { $0.hasSuffix(".vaem") }.sorted()
        guard !files.isEmpty else { throw SettingsError("models.directory", "\(modelsDirectory) holds no .vaem file") }
        return files.map { (modelsDirectory as NSString).appendingPathComponent($0) }
    }

    /// The TLS context the paths name, nil for plain HTTP; one path without the other, or
    /// files OpenSSL refuses, stop the start.
    func loadTLS() throws -> TLSContext? {
        switch (tlsCertificatePath, tlsKeyPath) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            do { return try TLSContext(certificateChainFile: certificate, privateKeyFile: key) } catch {
                throw SettingsError("\(error)")
            }
        case (nil, _):
            throw SettingsError("tls.certificate", "must be given with tls.key (--tls-cert with --tls-key)")
        case (_, nil):
            throw SettingsError("tls.key", "must be given with tls.certificate (--tls-key with --tls-cert)")
        }
    }
}

/// Bounds on what one request may compute and on how many compute at once.
public struct ComputeLimits: Sendable, Equatable {
    public var maxSteps = 1000
    public var maxTrials = 2000
    /// steps x trials of one request (a sweep counts every noise ratio and input).
    public var maxChainSteps = 2_000_000
    public var maxSweepPoints = 101
    public var maxSweepInputs = 50
    /// Computations running at once; more wait in the queue.
    public var maxConcurrent = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Computations waiting for a slot; beyond it requests get 503 with Retry-After.
    public var queueLength = 16
    public var retryAfterSeconds = 2

    public init() {}
}
