import Foundation

/// Labelled square greyscale images, one byte a pixel (0 = background), as MNIST stores them.
public struct ImageSet: Sendable {
    public let rows: Int
    public let columns: Int
    public let pixels: [UInt8]
    public let labels: [UInt8]

    public var count: Int { labels.count }
    public var pixelsPerImage: Int { rows * columns }

    public init(rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == rows * columns * labels.count)
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
    }

    /// Reads an images file and a labels file and checks that they belong together.
    public init(images: URL, labels labelsURL: URL) throws {
        let img = try IDXFile(contentsOf: images)
        let lab = try IDXFile(contentsOf: labelsURL)
        guard img.dimensions.count == 3 else {
            throw IDXError(file: images.lastPathComponent, problem: "expected 3 dimensions (count, rows, columns), found \(img.dimensions)")
        }
        guard lab.dimensions.count == 1 else {
            throw IDXError(file: labelsURL.lastPathComponent, problem: "expected 1 dimension (count), found \(lab.dimensions)")
        }
        guard img.dimensions[0] == lab.dimensions[0] else {
            throw IDXError(file: labelsURL.lastPathComponent,
                           problem: "holds \(lab.dimensions[0]) labels but \(images.lastPathComponent) holds \(img.dimensions[0]) images")
        }
        self.init(rows: img.dimensions[1], columns: img.dimensions[2], pixels: img.bytes, labels: lab.bytes)
    }

    /// Loads `PREFIX-images-idx3-ubyte` and `PREFIX-labels-idx1-ubyte` (optionally `.gz`)
    /// from a folder; prefix is `train` or `t10k` in MNIST's naming.
    public init(folder: URL, prefix: String) throws {
        func find(_ stem: String) throws -> URL {
            for name in [stem, stem + ".gz"] {
                let url = folder.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: url.path) { return url }
            }
            throw IDXError(file: stem, problem: "not found in \(folder.path) (run \(Dataset.all.map(\.fetchScript).joined(separator: " or ")))")
        }
        try self.init(images: find("\(prefix)-images-idx3-ubyte"), labels: find("\(prefix)-labels-idx1-ubyte"))
    }

    public func subset(_ indices: [Int]) -> ImageSet {
        let n = pixelsPerImage
        var p = [UInt8]()
        p.reserveCapacity(indices.count * n)
        for i in indices { p.append(contentsOf: pixels[i * n..<(i + 1) * n]) }
        return ImageSet(rows: rows, columns: columns, pixels: p, labels: indices.map { labels[$0] })
    }

    public func indices(ofLabel label: Int) -> [Int] {
        labels.indices.filter { Int(labels[$0]) == label }
    }

    public func writeIDX(images: URL, labels labelsURL: URL) throws {
        func header(_ magic: UInt8, _ dims: [Int]) -> Data {
            var d = Data([0, 0, 0x08, magic])
            for v in dims { d.append(contentsOf: [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)]) }
            return d
        }
        try (header(3, [count, rows, columns]) + Data(pixels)).write(to: images)
        try (header(1, [count]) + Data(labels)).write(to: labelsURL)
    }
}
