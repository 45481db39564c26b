#if canImport(Glibc)
import Glibc
#endif

/// Small files recently served, so that a hot file costs one `stat` instead of resolving
/// its real path, opening and reading it again.
///
/// An entry is keyed by the requested path and trusted only while `stat` of that path still
/// finds the same inode, size and modification time: a symlink re-pointed elsewhere, a file
/// replaced or rewritten, all miss and go through the full checks again.
final class FileCache: Sendable {
    struct Identity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int
        var modifiedNanoseconds: Int

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            self.init(info)
        }

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int(info.st_size)
            modifiedNanoseconds = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        }
    }

    struct Entry: Sendable {
        var identity: Identity
        var name: Substring
        var body: [UInt8]
    }

    static let maxEntries = 512
    static let maxFileSize = 256 * 1024
    private let entries = Locked<[String: Entry]>([:])

    func entry(for path: String) -> Entry? {
        guard let cached = entries.withLock({ $0[path] }) else { return nil }
        return Identity(path: path) == cached.identity ? cached : nil
    }

    func store(_ entry: Entry, for path: String) {
        guard entry.body.count <= Self.maxFileSize else { return }
        entries.withLock { entries in
            // Crude but bounded: a full cache starts over.
            if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[path] = entry
        }
    }
}
