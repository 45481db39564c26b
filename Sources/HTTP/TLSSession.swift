import COpenSSL

/// TLS on one socket: an accepted, non-blocking one, used only from its connection's queue,
/// or `HTTPProbe`'s blocking one.
///
/// Renegotiation is off (`TLSContext`), so after the handshake a read only ever waits for
/// input and a write for output; the rare exception (a read that must first send, as for a
/// TLS 1.3 key update while our send buffer is full) is treated as a broken connection
/// rather than given a second waiting state.
package final class TLSSession {
    package enum HandshakeStep {
        case complete, wantsRead, wantsWrite, failed
    }

    private let ssl: OpaquePointer

    enum Role {
        /// The server's side of an accepted connection.
        case server
        /// `HTTPProbe`'s side.
        case client
    }

    init?(context: TLSContext, descriptor: Int32, role: Role = .server) {
        guard let ssl = SSL_new(context.context) else { return nil }
        guard SSL_set_fd(ssl, descriptor) == 1 else {
            SSL_free(ssl)
            return nil
        }
        switch role {
        case .server: SSL_set_accept_state(ssl)
        case .client: SSL_set_connect_state(ssl)
        }
        self.ssl = ssl
    }

    deinit { SSL_free(ssl) }

    func handshake() -> HandshakeStep {
        ERR_clear_error()
        let status = SSL_do_handshake(ssl)
        if status == 1 { return .complete }
        switch SSL_get_error(ssl, status) {
        case SSL_ERROR_WANT_READ: return .wantsRead
        case SSL_ERROR_WANT_WRITE: return .wantsWrite
        default:
            // The error queue is per thread, and this thread serves other connections next.
            ERR_clear_error()
            return .failed
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> StreamIO {
        ERR_clear_error()
        let count = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        return count > 0 ? .moved(Int(count)) : outcome(of: count, waitingFor: SSL_ERROR_WANT_READ)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> StreamIO {
        ERR_clear_error()
        let count = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        return count > 0 ? .moved(Int(count)) : outcome(of: count, waitingFor: SSL_ERROR_WANT_WRITE)
    }

    /// Decrypted input that a read has not returned yet: no socket event will announce it.
    var hasBufferedInput: Bool { SSL_pending(ssl) > 0 }

    /// Sends close_notify, best effort: the socket's write side closes right after.
    func closeWrite() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    private func outcome(of status: Int32, waitingFor expected: Int32) -> StreamIO {
        let error = SSL_get_error(ssl, status)
        switch error {
        case expected: return .wouldBlock
        case SSL_ERROR_ZERO_RETURN: return .ended
        default:
            ERR_clear_error()
            return .failed
        }
    }
}
