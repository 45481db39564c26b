#include <openssl/ssl.h>
#include <openssl/err.h>

// These are function-like macros (SSL_CTX_ctrl calls, SSL_OP_BIT), which Swift cannot import.
static inline int vaedyn_ssl_ctx_set_min_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

// Partial writes let a large response leave as the socket takes it; a moving buffer lets
// the retry of a write that would block come from a Swift array that has since grown.
static inline void vaedyn_ssl_ctx_set_nonblocking_modes(SSL_CTX *context) {
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                                  | SSL_MODE_RELEASE_BUFFERS);
}

// Renegotiation would let a client make the server wait to write while it reads (and cost
// CPU on demand); compression invites CRIME. Many clients close without close_notify: that
// is an end of input like a plain socket's EOF (requests are framed, so none is cut short
// unnoticed), not a protocol error.
static inline void vaedyn_ssl_ctx_set_safe_options(SSL_CTX *context) {
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE
                                     | SSL_OP_IGNORE_UNEXPECTED_EOF);
}
