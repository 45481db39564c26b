#if canImport(Glibc)
import Glibc
#endif

/// An incremental RFC 9112 request parser, free of I/O: bytes go in with `append`, events
/// come out of `next`. Whatever way the bytes are split across `append` calls, the events
/// are the same (body bytes may come in different pieces, never in a different order) and
/// so is the error, because every decision waits for a whole line and every limit is
/// checked against a lower bound that only grows.
public struct RequestParser: Sendable {
    public enum Event: Sendable, Equatable {
        /// The request line and header section, validated; body events follow.
        case head(RequestHead)
        /// Body bytes, transfer coding removed.
        case body([UInt8])
        /// The request is complete; the next one may follow.
        case end
    }

    private enum State: Sendable {
        /// Bytes of empty lines skipped before the request line (RFC 9112 §2.2) count
        /// against the request-line limit.
        case requestLine(skipped: Int)
        case headers(RequestLine, sectionLength: Int)
        case body(remaining: Int)
        case chunkSize(received: Int)
        case chunkData(remaining: Int, received: Int)
        case chunkDataEnd(received: Int)
        case trailers(count: Int, sectionLength: Int)
        case failed(HTTPParseError)
    }

    private struct RequestLine: Sendable {
        var method: HTTPMethod
        var target: String
        var path: String
        var query: String?
        var version: HTTPVersion
    }

    public let limits: RequestLimits
    private var buffer: [UInt8] = []
    /// First byte not yet consumed.
    private var start = 0
    /// Bytes after `start` already searched for LF, so a line arriving byte by byte costs
    /// linear time.
    private var scanned = 0
    private var state = State.requestLine(skipped: 0)
    /// Header fields of the request whose header section is being read; kept out of
    /// `state` so adding one does not copy the others.
    private var fields = HTTPHeaders()

    public init(limits: RequestLimits = RequestLimits()) {
        self.limits = limits
    }

    /// Bytes received and not yet turned into events.
    public var bufferedByteCount: Int { buffer.count - start }

    /// True between requests before any byte of the next one has arrived.
    public var isAtMessageBoundary: Bool {
        if case .requestLine(skipped: 0) = state { return bufferedByteCount == 0 }
        return false
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 16 * 1024 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next event, or nil until more bytes arrive. After an error the parser stays
    /// failed and throws the same error again.
    public mutating func next() throws(HTTPParseError) -> Event? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        while true {
            switch state {
            case .failed(let error):
                throw error

            case .requestLine(let skipped):
                guard let line = try nextLine(limit: limits.maxRequestLineLength, counted: skipped, tooLong: .requestLineTooLong) else {
                    return nil
                }
                if line.isEmpty {
                    state = .requestLine(skipped: skipped + 2)
                } else {
                    state = .headers(try parseRequestLine(line), sectionLength: 0)
                    fields = HTTPHeaders()
                }

            case .headers(let requestLine, let sectionLength):
                guard let line = try nextLine(limit: limits.maxHeaderSectionLength, counted: sectionLength, tooLong: .headerSectionTooLarge) else {
                    return nil
                }
                if line.isEmpty {
                    let head = try makeHead(requestLine)
                    fields = HTTPHeaders()
                    switch head.framing {
                    case .none: state = .body(remaining: 0)
                    case .length(let length): state = .body(remaining: length)
                    case .chunked: state = .chunkSize(received: 0)
                    }
                    return .head(head)
                }
                guard fields.count < limits.maxHeaderCount else { throw .headerSectionTooLarge }
                let (name, value) = try parseFieldLine(line)
                fields.add(name, value)
                state = .headers(requestLine, sectionLength: sectionLength + line.count)

            case .body(let remaining):
                if remaining == 0 {
                    state = .requestLine(skipped: 0)
                    return .end
                }
                guard let bytes = take(upTo: remaining) else { return nil }
                state = .body(remaining: remaining - bytes.count)
                return .body(bytes)

            case .chunkSize(let received):
                guard let line = try nextLine(limit: limits.maxChunkLineLength, counted: 0, tooLong: .malformed("chunk size line too long")) else {
                    return nil
                }
                let size = try parseChunkSize(line)
                guard size <= limits.maxBodyLength - received else { throw .bodyTooLarge }
                state = size == 0
                    ? .trailers(count: 0, sectionLength: 0)
                    : .chunkData(remaining: size, received: received + size)

            case .chunkData(let remaining, let received):
                guard let bytes = take(upTo: remaining) else { return nil }
                let left = remaining - bytes.count
                state = left == 0 ? .chunkDataEnd(received: received) : .chunkData(remaining: left, received: received)
                return .body(bytes)

            case .chunkDataEnd(let received):
                guard buffer.count - start >= 2 else { return nil }
                guard buffer[start] == ByteClass.cr, buffer[start + 1] == ByteClass.lf else {
                    throw .malformed("chunk data not followed by CRLF")
                }
                start += 2
                state = .chunkSize(received: received)

            case .trailers(let count, let sectionLength):
                guard let line = try nextLine(limit: limits.maxHeaderSectionLength, counted: sectionLength, tooLong: .headerSectionTooLarge) else {
                    return nil
                }
                if line.isEmpty {
                    state = .requestLine(skipped: 0)
                    return .end
                }
                guard count < limits.maxHeaderCount else { throw .headerSectionTooLarge }
                // Trailers are validated like header fields, then dropped: nothing here
                // may change how the request is handled after its head was acted on.
                _ = try parseFieldLine(line)
                state = .trailers(count: count + 1, sectionLength: sectionLength + line.count)
            }
        }
    }

    private mutating func take(upTo count: Int) -> [UInt8]? {
        let available = min(buffer.count - start, count)
        guard available > 0 else { return nil }
        defer { start += available }
        return Array(buffer[start..<start + available])
    }

    /// The next line's content (CRLF excluded) once its LF has arrived. `counted` is what
    /// the enclosing section already used of `limit`; the limit is checked before the
    /// line's syntax so that a long line is refused the same way however it arrives.
    private mutating func nextLine(limit: Int, counted: Int, tooLong: HTTPParseError) throws(HTTPParseError) -> Range<Int>? {
        let end = buffer.count
        let from = start + scanned
        let lf: Int? = from < end ? buffer.withUnsafeBufferPointer { bytes in
            memchr(bytes.baseAddress! + from, Int32(ByteClass.lf), end - from).map {
                $0.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: bytes.baseAddress!)
            }
        } : nil
        guard let lf else {
            scanned = end - start
            // A trailing CR may be the first half of the CRLF, so it is not yet content.
            let atLeast = scanned - (scanned > 0 && buffer[end - 1] == ByteClass.cr ? 1 : 0)
            if counted + atLeast > limit { throw tooLong }
            return nil
        }
        let hasCR = lf > start && buffer[lf - 1] == ByteClass.cr
        let line = start..<(hasCR ? lf - 1 : lf)
        if counted + line.count > limit { throw tooLong }
        // A lone LF or CR as a line break is how requests get read differently by a proxy
        // and by us (RFC 9112 §2.2), so neither is tolerated.
        guard hasCR else { throw .malformed("bare LF") }
        if buffer[line].contains(ByteClass.cr) { throw .malformed("bare CR") }
        start = lf + 1
        scanned = 0
        return line
    }

    private func parseRequestLine(_ line: Range<Int>) throws(HTTPParseError) -> RequestLine {
        let bytes = buffer[line]
        guard let firstSpace = bytes.firstIndex(of: ByteClass.space),
              let secondSpace = bytes[(firstSpace + 1)...].firstIndex(of: ByteClass.space) else {
            throw .malformed("request line is not method SP target SP version")
        }
        let methodBytes = bytes[..<firstSpace]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(ByteClass.isToken) else {
            throw .malformed("invalid method")
        }
        let targetBytes = bytes[(firstSpace + 1)..<secondSpace]
        guard !targetBytes.isEmpty, targetBytes.allSatisfy(ByteClass.isTargetChar),
              !targetBytes.contains(UInt8(ascii: "#")) else {
            throw .malformed("invalid request target")
        }
        let version = try parseVersion(bytes[(secondSpace + 1)...])
        let method = HTTPMethod(String(decoding: methodBytes, as: UTF8.self))
        let target = String(decoding: targetBytes, as: UTF8.self)
        let (path, query) = try splitTarget(target, method: method)
        return RequestLine(method: method, target: target, path: path, query: query, version: version)
    }

    private func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8),
              case let major = bytes[bytes.startIndex + 5], digits.contains(major),
              bytes[bytes.startIndex + 6] == UInt8(ascii: "."),
              case let minor = bytes[bytes.startIndex + 7], digits.contains(minor) else {
            throw .malformed("invalid HTTP version")
        }
        guard major == UInt8(ascii: "1") else { throw .unsupportedVersion }
        return HTTPVersion(major: 1, minor: Int(minor - digits.lowerBound))
    }

    /// Origin-form and absolute-form (RFC 9112 §3.2) become a path and query; asterisk-form
    /// only for OPTIONS; authority-form (CONNECT) is not served.
    private func splitTarget(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> (String, String?) {
        var rest = Substring(target)
        if target == "*" {
            guard method == .options else { throw .malformed("asterisk-form target outside OPTIONS") }
            return ("*", nil)
        }
        if !rest.hasPrefix("/") {
            let lowered = rest.lowercased()
            guard let schemeEnd = lowered.hasPrefix("http://") ? 7 : lowered.hasPrefix("https://") ? 8 : nil else {
                throw .malformed("invalid request target")
            }
            rest = rest.dropFirst(schemeEnd)
            rest = rest.firstIndex(where: { $0 == "/" || $0 == "?" }).map { rest[$0...] } ?? ""
            if !rest.hasPrefix("/") { rest = "/" + rest }
        }
        guard let question = rest.firstIndex(of: "?") else { return (String(rest), nil) }
        return (String(rest[..<question]), String(rest[rest.index(after: question)...]))
    }

    private func parseFieldLine(_ line: Range<Int>) throws(HTTPParseError) -> (String, String) {
        let bytes = buffer[line]
        guard !ByteClass.isWhitespace(bytes[line.lowerBound]) else {
            throw .malformed("obsolete line folding")
        }
        guard let colon = bytes.firstIndex(of: ByteClass.colon) else {
            throw .malformed("field line without colon")
        }
        let name = bytes[..<colon]
        guard !name.isEmpty, name.allSatisfy(ByteClass.isToken) else {
            throw .malformed("invalid field name")
        }
        var value = bytes[(colon + 1)...]
        while let first = value.first, ByteClass.isWhitespace(first) { value = value.dropFirst() }
        while let last = value.last, ByteClass.isWhitespace(last) { value = value.dropLast() }
        guard value.allSatisfy(ByteClass.isFieldValue) else {
            throw .malformed("invalid field value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private func parseChunkSize(_ line: Range<Int>) throws(HTTPParseError) -> Int {
        // Saturates just above the body limit: the caller refuses it, and nothing overflows.
        let ceiling = limits.maxBodyLength + 1
        var size = 0
        var index = line.lowerBound
        while index < line.upperBound, let digit = ByteClass.hexValue(buffer[index]) {
            size = size > ceiling / 16 ? ceiling : min(size * 16 + digit, ceiling)
            index += 1
        }
        guard index > line.lowerBound else { throw .malformed("invalid chunk size") }
        var extensionStart = index
        while extensionStart < line.upperBound, ByteClass.isWhitespace(buffer[extensionStart]) { extensionStart += 1 }
        if extensionStart < line.upperBound {
            guard buffer[extensionStart] == UInt8(ascii: ";") else { throw .malformed("invalid chunk size") }
            guard buffer[(extensionStart + 1)..<line.upperBound].allSatisfy(ByteClass.isFieldValue) else {
                throw .malformed("invalid chunk extension")
            }
        } else if extensionStart != index {
            throw .malformed("whitespace after chunk size")
        }
        return size
    }

    private func makeHead(_ line: RequestLine) throws(HTTPParseError) -> RequestHead {
        let hosts = fields.values("Host")
        if hosts.count > 1 { throw .malformed("duplicate Host") }
        if line.version.isAtLeast1_1 && hosts.isEmpty { throw .malformed("missing Host") }
        if let host = hosts.first, !host.utf8.allSatisfy(Self.isHostChar) { throw .malformed("invalid Host") }

        let framing = try bodyFraming(version: line.version)

        let connection = fields.listElements("Connection")
        let close = connection.contains { $0.equalsIgnoringASCIICase("close") }
        let keepAlive = line.version.isAtLeast1_1
            ? !close
            : !close && connection.contains { $0.equalsIgnoringASCIICase("keep-alive") }

        let expectations = fields.values("Expect")
        guard expectations.isEmpty || (expectations.count == 1 && expectations[0].equalsIgnoringASCIICase("100-continue")) else {
            throw .unsupportedExpectation
        }
        // An HTTP/1.0 client cannot know 100 Continue, so its expectation is ignored
        // (RFC 9110 §10.1.1).
        let expectsContinue = !expectations.isEmpty && line.version.isAtLeast1_1

        return RequestHead(method: line.method, target: line.target, path: line.path, query: line.query,
                           version: line.version, headers: fields, framing: framing,
                           keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    /// RFC 9112 §6.3, with every ambiguity that lets two parsers disagree on where the body
    /// ends refused outright.
    private func bodyFraming(version: HTTPVersion) throws(HTTPParseError) -> RequestHead.BodyFraming {
        let lengths = fields.values("Content-Length")
        let encodings = fields.values("Transfer-Encoding")
        if !encodings.isEmpty {
            guard lengths.isEmpty else { throw .malformed("Content-Length with Transfer-Encoding") }
            guard version.isAtLeast1_1 else { throw .malformed("Transfer-Encoding in HTTP/1.0") }
            let codings = fields.listElements("Transfer-Encoding")
            guard !codings.isEmpty else { throw .malformed("empty Transfer-Encoding") }
            for coding in codings {
                let name = coding.prefix { $0 != ";" }.trimmingOWS()
                guard !name.isEmpty, name.utf8.allSatisfy(ByteClass.isToken) else {
                    throw .malformed("invalid transfer coding")
                }
            }
            guard codings.allSatisfy({ $0.equalsIgnoringASCIICase("chunked") }) else {
                throw .unsupportedTransferCoding
            }
            guard codings.count == 1 else { throw .malformed("chunked applied more than once") }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        guard lengths.count == 1 else { throw .malformed("duplicate Content-Length") }
        let digits = lengths[0].utf8
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .malformed("invalid Content-Length")
        }
        var length = 0
        for digit in digits {
            length = length * 10 + Int(digit - UInt8(ascii: "0"))
            guard length <= limits.maxBodyLength else { throw .bodyTooLarge }
        }
        return .length(length)
    }

    /// uri-host and port characters (RFC 3986): unreserved, sub-delims, ":", "[", "]", "%".
    private static func isHostChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:[]%".utf8.contains(byte)
        }
    }
}
