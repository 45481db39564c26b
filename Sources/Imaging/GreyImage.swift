/// A greyscale image with intensities in [0, 1] (0 black, 1 white), row-major, and an
/// optional opacity per pixel (1 where the source had no alpha channel).
public struct GreyImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]
    public var alpha: [Float]?

    public init(width: Int, height: Int, pixels: [Float], alpha: [Float]? = nil) {
        precondition(pixels.count == width * height && (alpha?.count ?? pixels.count) == pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
        self.alpha = alpha
    }

    public subscript(x: Int, y: Int) -> Float { pixels[y * width + x] }
}

public struct ImageError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Limits on decoded images, so that a small compressed file cannot claim gigabytes.
public struct ImageLimits: Sendable {
    public var maxWidth = 4096
    public var maxHeight = 4096
    public var maxPixels = 4 * 1024 * 1024

    public init() {}

    func check(width: Int, height: Int, format: String) throws {
        guard width > 0, height > 0 else { throw ImageError("\(format) image has no pixels (\(width) x \(height))") }
        guard width <= maxWidth, height <= maxHeight, width * height <= maxPixels else {
            throw ImageError("\(format) image is \(width) x \(height); the limit is \(maxWidth) x \(maxHeight) and \(maxPixels) pixels")
        }
    }
}
