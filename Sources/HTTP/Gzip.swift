import CZlib

/// gzip `Content-Encoding` (RFC 9110 §8.4.1.3) through zlib.
enum Gzip {
    static func compress(_ input: [UInt8], level: Int32) -> [UInt8]? {
        guard !input.isEmpty else { return nil }
        var stream = z_stream()
        guard vaedyn_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// Whether `Accept-Encoding` admits gzip: listed (or `*`) without `q=0` (RFC 9110 §12.5.3).
    static func isAccepted(by headers: HTTPHeaders) -> Bool {
        var gzip: Bool?
        var wildcard: Bool?
        for element in headers.listElements("Accept-Encoding") {
            let parameters = element.split(separator: ";").map { $0.trimmingOWS() }
            guard let coding = parameters.first else { continue }
            let acceptable = !parameters.dropFirst().contains { parameter in
                guard parameter.lowercased().hasPrefix("q=") else { return false }
                return (Double(parameter.dropFirst(2)) ?? 1) == 0
            }
            if coding.equalsIgnoringASCIICase("gzip") || coding.equalsIgnoringASCIICase("x-gzip") {
                gzip = acceptable
            } else if coding == "*" {
                wildcard = acceptable
            }
        }
        return gzip ?? wildcard ?? false
    }
}
