/// Serialises response heads. The server decides the framing; handlers' own framing
/// headers are dropped so that a handler can never make two messages out of one.
enum ResponseEncoder {
    enum Framing {
        case length(Int)
        case chunked
        /// HTTP/1.0 streams: the body ends when the connection closes.
        case untilClose
        /// 1xx, 204, 304.
        case noBody
    }

    private static let managedFields = ["Content-Length", "Transfer-Encoding", "Connection", "Date", "Server"]

    static func appendHead(status: HTTPStatus, headers: HTTPHeaders, framing: Framing, keepAlive: Bool,
                           date: [UInt8], serverName: String, to out: inout [UInt8]) {
        out += "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n".utf8
        out += "Date: ".utf8
        out += date
        out += "\r\nServer: \(serverName)\r\n".utf8
        switch framing {
        case .length(let length): out += "Content-Length: \(length)\r\n".utf8
        case .chunked: out += "Transfer-Encoding: chunked\r\n".utf8
        case .untilClose, .noBody: break
        }
        // Keep-alive is the HTTP/1.1 default; an HTTP/1.0 client that asked for it gets
        // the header it expects, which an HTTP/1.1 one ignores.
        out += keepAlive ? "Connection: keep-alive\r\n".utf8 : "Connection: close\r\n".utf8
        for field in headers where isSendable(field) {
            out += field.name.utf8
            out += ": ".utf8
            out += field.value.utf8
            out += "\r\n".utf8
        }
        out += "\r\n".utf8
    }

    /// A field with CR, LF or NUL in it would split the response, and a managed one would
    /// contradict our framing; both are left out rather than trusted.
    private static func isSendable(_ field: HTTPHeaders.Field) -> Bool {
        !field.name.isEmpty && field.name.utf8.allSatisfy(ByteClass.isToken)
            && field.value.utf8.allSatisfy(ByteClass.isFieldValue)
            && !managedFields.contains { field.name.equalsIgnoringASCIICase($0) }
    }
}
