#if canImport(Glibc)
import Glibc
#endif

/// Files under a root folder, mounted on a `Router` at a path prefix.
///
/// Nothing outside the root is ever served: the path is percent-decoded first, `..`
/// segments are refused, and the real path (symlinks resolved) must still lie inside the
/// root's real path. Every refusal is a 404, so a probe learns nothing about what exists.
public struct StaticFiles: Sendable {
    public let root: String
    /// Served for a directory; nil serves no directories.
    public let indexFile: String?
    private let resolvedRoot: String?

    public init(root: String, indexFile: String? = "index.html") {
        self.root = root
        self.indexFile = indexFile
        resolvedRoot = Self.realPath(root)
    }

    private let cache = FileCache()

    private struct File {
        var path: String
        var isDirectory: Bool
        var isRegular: Bool
    }

    func respond(to request: HTTPRequest, relativePath: Substring) throws(HTTPError) -> HTTPResponse {
        // The root may be created after the server starts (a later install step).
        guard let rootPath = resolvedRoot ?? Self.realPath(root),
              let decoded = PercentDecoding.decode(relativePath) else { throw .notFound() }
        let segments = decoded.split(separator: "/")
        guard !segments.contains("..") else { throw .notFound() }
        let requested = ([rootPath] + segments.map(String.init)).joined(separator: "/")
        let entry: FileCache.Entry
        if let cached = cache.entry(for: requested) {
            entry = cached
        } else {
            entry = try load(requested, within: rootPath)
        }

        let identity = entry.identity
        let etag = "\"\(String(identity.size, radix: 16))-\(String(identity.modifiedNanoseconds, radix: 16))\""
        let modified = identity.modifiedNanoseconds / 1_000_000_000
        let headers: HTTPHeaders = [
            "Content-Type": MediaType.forFile(named: entry.name),
            "ETag": etag,
            "Last-Modified": HTTPDate.format(modified),
        ]
        if Self.isNotModified(request.headers, etag: etag, modified: modified) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        return HTTPResponse(status: .ok, headers: headers, body: entry.body)
    }

    /// The full checks: real path inside the root, directory index, regular file.
    private func load(_ requested: String, within rootPath: String) throws(HTTPError) -> FileCache.Entry {
        guard var file = Self.resolve(requested, within: rootPath) else { throw .notFound() }
        let isIndex = file.isDirectory
        if isIndex {
            guard let indexFile, let index = Self.resolve(file.path + "/" + indexFile, within: rootPath) else {
                throw .notFound()
            }
            file = index
        }
        guard file.isRegular, let (body, identity) = Self.readFile(file.path) else { throw .notFound() }
        let entry = FileCache.Entry(identity: identity, name: file.path.split(separator: "/").last ?? "", body: body)
        // A directory's entry would be revalidated against the directory, not its index.
        if !isIndex { cache.store(entry, for: requested) }
        return entry
    }

    /// RFC 9110 §13.1.2-3: If-None-Match (weak comparison) wins over If-Modified-Since.
    private static func isNotModified(_ headers: HTTPHeaders, etag: String, modified: Int) -> Bool {
        if headers.contains("If-None-Match") {
            let strip = { (tag: Substring) in tag.hasPrefix("W/") ? tag.dropFirst(2) : tag }
            return headers.listElements("If-None-Match").contains { $0 == "*" || strip($0) == strip(etag[...]) }
        }
        guard let since = headers["If-Modified-Since"].flatMap(HTTPDate.parse) else { return false }
        return modified <= since
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The file a path really names, if it lies inside `root` (itself a real path).
    private static func resolve(_ path: String, within root: String) -> File? {
        guard let real = realPath(path) else { return nil }
        let base = root.hasSuffix("/") ? root : root + "/"
        guard real == root || real.hasPrefix(base) else { return nil }
        var info = stat()
        guard stat(real, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        return File(path: real, isDirectory: type == S_IFDIR, isRegular: type == S_IFREG)
    }

    /// The bytes, and the identity of what was read (taken from the open descriptor, so
    /// that the two belong together).
    private static func readFile(_ path: String) -> ([UInt8], FileCache.Identity)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += count
        }
        // A file that shrank while being read is served as it was read.
        bytes.removeLast(bytes.count - offset)
        return (bytes, FileCache.Identity(info))
    }
}
