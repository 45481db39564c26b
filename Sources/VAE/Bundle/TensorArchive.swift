import CZlib
import Foundation

public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    case notAnArchive(String)
    case truncated(expected: Int, actual: Int)
    case futureVersion(found: UInt32, supported: UInt32)
    case checksumMismatch(stored: UInt32, computed: UInt32)
    case malformed(String)

    public var description: String {
        switch self {
        case .notAnArchive(let why): return "not a vaedyn file: \(why)"
        case .truncated(let e, let a): return "truncated: \(a) bytes where the header promises \(e)"
        case .futureVersion(let f, let s):
            return "format version \(f) is newer than this build reads (up to \(s)); update vaedyn"
        case .checksumMismatch(let s, let c):
            return String(format: "corrupted: CRC-32 0x%08x stored, 0x%08x computed", s, c)
        case .malformed(let why): return "malformed: \(why)"
        }
    }
}

/// The container of every vaedyn binary file: a JSON header describing named tensors,
/// then the tensors as little-endian bytes, then a CRC-32 of everything before it.
///
///     "VAEM" 0D 0A 1A 0A | version u32 | header length u32 | header JSON |
///     tensor data (offsets from its start, multiples of 64) | CRC-32 u32
///
/// docs/model-format.md describes every field. A reader trusts nothing in the header: a
/// tensor whose shape, length and place disagree, or that lies outside the data, or a name
/// listed twice, is refused by name (with no arithmetic on the file's numbers that could
/// overflow).
/// The 0D 0A 1A 0A bytes (as in PNG) catch text-mode and line-ending damage early.
public struct TensorArchive: Sendable {
    public static let magic: [UInt8] = [0x56, 0x41, 0x45, 0x4D, 0x0D, 0x0A, 0x1A, 0x0A]
    public static let version: UInt32 = 1

    public enum DType: String, Codable, Sendable { case float32, uint8 }

    public struct Entry: Codable, Sendable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public var offset: Int
        public var length: Int
    }

    struct Header: Codable {
        var kind: String
        var metadata: Data
        var tensors: [Entry]
        var dataLength: Int
    }

    public var kind: String
    /// The caller's own JSON document (model description, checkpoint state...).
    public var metadata: Data
    public private(set) var entries: [Entry] = []
    private var blobs: [String: Data] = [:]

    public init(kind: String, metadata: Data) {
        self.kind = kind
        self.metadata = metadata
    }

    public mutating func add(_ name: String, shape: [Int], floats: UnsafeBufferPointer<Float>) {
        precondition(shape.reduce(1, *) == floats.count)
        var data = Data(count: floats.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in floats.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) }
        }
        put(name, .float32, shape, data)
    }

    public mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        floats.withUnsafeBufferPointer { add(name, shape: shape, floats: $0) }
    }

    public mutating func add(_ name: String, shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) == bytes.count)
        put(name, .uint8, shape, Data(bytes))
    }

    private mutating func put(_ name: String, _ dtype: DType, _ shape: [Int], _ data: Data) {
        precondition(blobs[name] == nil, "tensor \(name) added twice")
        let offset = entries.last.map { ($0.offset + $0.length + 63) / 64 * 64 } ?? 0
        entries.append(Entry(name: name, dtype: dtype, shape: shape, offset: offset, length: data.count))
        blobs[name] = data
    }

    public func entry(_ name: String) throws -> Entry {
        guard let e = entries.first(where: { $0.name == name }) else { throw ArchiveError.malformed("tensor '\(name)' is missing") }
        return e
    }

    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        let e = try entry(name)
        guard e.dtype == .float32 else { throw ArchiveError.malformed("tensor '\(name)' is \(e.dtype.rawValue), expected float32") }
        if let expected, expected != e.shape {
            throw ArchiveError.malformed("tensor '\(name)' has shape \(e.shape), expected \(expected)")
        }
        let data = blobs[name]!
        return data.withUnsafeBytes { raw in
            (0..<(e.length / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    public func bytes(_ name: String) throws -> (shape: [Int], bytes: [UInt8]) {
        let e = try entry(name)
        guard e.dtype == .uint8 else { throw ArchiveError.malformed("tensor '\(name)' is \(e.dtype.rawValue), expected uint8") }
        return (e.shape, [UInt8](blobs[name]!))
    }

    // MARK: Encoding

    public func encoded() throws -> Data {
        let dataLength = entries.last.map { $0.offset + $0.length } ?? 0
        // Sorted keys: the same archive is the same bytes, in every process.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = try encoder.encode(Header(kind: kind, metadata: metadata, tensors: entries, dataLength: dataLength))
        var out = Data(Self.magic)
        out.appendLittleEndian(Self.version)
        out.appendLittleEndian(UInt32(header.count))
        out.append(header)
        let base = out.count
        for e in entries {
            out.append(Data(count: base + e.offset - out.count))
            out.append(blobs[e.name]!)
        }
        out.appendLittleEndian(Self.crc32(out))
        return out
    }

    /// Writes through a temporary file and a rename, so an interrupted write never leaves
    /// a half-written file under the final name, and a file rewritten in place is either
    /// the old one or the new one (rename(2) replaces the name in one step).
    public func write(to url: URL) throws {
        let data = try encoded()
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, NSLocalizedDescriptionKey: "cannot rename into \(url.path): \(reason)"])
        }
    }

    // MARK: Decoding

    public init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url))
    }

    public init(data: Data) throws {
        let bytes = [UInt8](data)
        let fixed = Self.magic.count + 8
        guard bytes.count >= Self.magic.count, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw ArchiveError.notAnArchive(bytes.count < Self.magic.count ? "only \(bytes.count) bytes" : "wrong magic bytes")
        }
        guard bytes.count >= fixed else { throw ArchiveError.truncated(expected: fixed, actual: bytes.count) }
        let version = bytes.readLittleEndianUInt32(at: 8)
        guard version <= Self.version else { throw ArchiveError.futureVersion(found: version, supported: Self.version) }
        guard version >= 1 else { throw ArchiveError.malformed("format version 0") }
        let headerLength = Int(bytes.readLittleEndianUInt32(at: 12))
        guard bytes.count >= fixed + headerLength + 4 else {
            throw ArchiveError.truncated(expected: fixed + headerLength + 4, actual: bytes.count)
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[fixed..<(fixed + headerLength)]))
        } catch {
            // The header may be damaged rather than the file cut short; the checksum tells.
            try Self.verifyChecksum(bytes)
            throw ArchiveError.malformed("header is not valid JSON (\(error))")
        }
        let base = fixed + headerLength
        guard header.dataLength >= 0, header.dataLength <= Int(Int32.max) else { throw ArchiveError.malformed("data length \(header.dataLength)") }
        let total = base + header.dataLength + 4
        guard bytes.count >= total else { throw ArchiveError.truncated(expected: total, actual: bytes.count) }
        guard bytes.count == total else { throw ArchiveError.malformed("\(bytes.count - total) bytes after the checksum") }
        try Self.verifyChecksum(bytes)
        var seen = Set<String>()
        for e in header.tensors {
            guard seen.insert(e.name).inserted else { throw ArchiveError.malformed("tensor '\(e.name)' is listed twice") }
            let length = try Self.checkedLength(e, dataLength: header.dataLength)
            blobs[e.name] = Data(bytes[(base + e.offset)..<(base + e.offset + length)])
        }
        kind = header.kind
        metadata = header.metadata
        entries = header.tensors
    }

    /// The byte length of `e` once its shape, length and place are known to agree and to
    /// lie within the data: every check is done without an arithmetic overflow, since the
    /// numbers come from the file.
    private static func checkedLength(_ e: Entry, dataLength: Int) throws -> Int {
        func refuse(_ why: String) -> ArchiveError { .malformed("tensor '\(e.name)' \(why)") }
        if let bad = e.shape.first(where: { $0 < 0 }) { throw refuse("has a negative dimension \(bad) in its shape \(e.shape)") }
        var count = 1
        for dimension in e.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            // No tensor can have more elements than the data has bytes.
            guard !overflow, product <= dataLength else {
                throw refuse("has shape \(e.shape), too large for the \(dataLength) bytes of tensor data")
            }
            count = product
        }
        // count <= dataLength <= Int32.max: this product cannot overflow.
        let length = count * (e.dtype == .float32 ? 4 : 1)
        guard e.length == length else {
            throw refuse("has shape \(e.shape) of \(e.dtype.rawValue), which is \(length) bytes, but a length of \(e.length)")
        }
        guard e.offset >= 0, e.offset <= dataLength, e.length <= dataLength - e.offset else {
            throw refuse("at offset \(e.offset), \(e.length) bytes long, lies outside the \(dataLength) bytes of tensor data")
        }
        return length
    }

    private static func verifyChecksum(_ bytes: [UInt8]) throws {
        let stored = bytes.readLittleEndianUInt32(at: bytes.count - 4)
        let computed = bytes.withUnsafeBufferPointer { crc32Of(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<(bytes.count - 4)])) }
        guard stored == computed else { throw ArchiveError.checksumMismatch(stored: stored, computed: computed) }
    }

    static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { crc32Of($0) }
    }

    static func crc32Of(_ raw: UnsafeRawBufferPointer) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        var offset = 0
        // zlib takes a 32-bit length; feed large buffers in pieces.
        while offset < raw.count {
            let n = min(raw.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

extension Data {
    mutating func appendLittleEndian(_ v: UInt32) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }
}

extension Array where Element == UInt8 {
    func readLittleEndianUInt32(at i: Int) -> UInt32 {
        UInt32(self[i]) | UInt32(self[i + 1]) << 8 | UInt32(self[i + 2]) << 16 | UInt32(self[i + 3]) << 24
    }
}
