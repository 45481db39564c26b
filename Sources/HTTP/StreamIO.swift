/// What one read or write on a connection's byte stream came to, plain or TLS alike.
enum StreamIO: Equatable {
    /// This many bytes (more than zero) were read or written.
    case moved(Int)
    /// Nothing now; the socket's readiness tells when to try again.
    case wouldBlock
    /// The peer ended its side cleanly (reads only).
    case ended
    /// The connection is broken: reset, a TLS protocol error, or the like.
    case failed
}
