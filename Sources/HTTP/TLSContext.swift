import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// The server's TLS settings, loaded once: a certificate chain and its private key, TLS 1.2
/// or newer, no renegotiation. Shared by every connection: OpenSSL allows one configured
/// `SSL_CTX` to create sessions from many threads.
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    /// Loads PEM files; the chain file holds the server's certificate first, then any
    /// intermediates.
    public init(certificateChainFile: String, privateKeyFile: String) throws(TLSError) {
        for (role, path) in [("certificate", certificateChainFile), ("private key", privateKeyFile)] {
            guard access(path, R_OK) == 0 else {
                throw TLSError("TLS \(role) file '\(path)': \(String(cString: strerror(errno)))")
            }
        }
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError.fromQueue("cannot create a TLS context") }
        self.context = context
        guard vaedyn_ssl_ctx_set_min_tls12(context) == 1 else { throw TLSError.fromQueue("cannot require TLS 1.2") }
        vaedyn_ssl_ctx_set_nonblocking_modes(context)
        vaedyn_ssl_ctx_set_safe_options(context)
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainFile) == 1 else {
            throw TLSError.fromQueue("TLS certificate file '\(certificateChainFile)' is not a PEM certificate chain")
        }
        // Loading the key also checks it against the certificate.
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyFile, SSL_FILETYPE_PEM) == 1,
              SSL_CTX_check_private_key(context) == 1 else {
            let mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH
            throw TLSError.fromQueue(mismatch
                ? "TLS private key '\(privateKeyFile)' does not belong to the certificate '\(certificateChainFile)'"
                : "TLS private key file '\(privateKeyFile)' is not a PEM private key")
        }
    }

    private init(client context: OpaquePointer) {
        self.context = context
    }

    /// For `HTTPProbe`: TLS 1.2 or newer, and no certificate check.
    static func probeClient() throws(TLSError) -> TLSContext {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TLSError.fromQueue("cannot create a TLS context") }
        let client = TLSContext(client: context)
        guard vaedyn_ssl_ctx_set_min_tls12(context) == 1 else { throw TLSError.fromQueue("cannot require TLS 1.2") }
        return client
    }

    deinit { SSL_CTX_free(context) }
}

/// A TLS set-up failure, with OpenSSL's own reasons appended.
public struct TLSError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) { self.description = description }

    /// Drains this thread's OpenSSL error queue into the message.
    static func fromQueue(_ summary: String) -> TLSError {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            let text = [CChar](unsafeUninitializedCapacity: 256) { buffer, count in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                count = strlen(buffer.baseAddress!)
            }
            reasons.append(String(decoding: text.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return TLSError(reasons.isEmpty ? summary : summary + " (" + reasons.joined(separator: "; ") + ")")
    }
}
