/// Any supported image file, recognised by its first bytes, brought to MNIST form: what
/// both the command line (`--image FILE`) and the service (`png`, `pgm`, raw bodies) take.
public enum DigitImage {
    public static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// 28 x 28 intensities (ink = 1) from PNG or PGM bytes.
    public static func mnistPixels(_ bytes: [UInt8], limits: ImageLimits = ImageLimits()) throws -> [Float] {
        try MNISTForm.normalize(decode(bytes, limits: limits))
    }

    /// The image as it is, neither cropped nor scaled (a mask must keep its pixels' places).
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = ImageLimits()) throws -> GreyImage {
        if bytes.starts(with: pngSignature) { return try PNGCodec.decode(bytes, limits: limits) }
        if bytes.starts(with: [UInt8(ascii: "P")]) { return try PGMCodec.decode(bytes, limits: limits) }
        throw ImageError("neither a PNG nor a PGM image")
    }

    /// The same as bytes, 0...255, as MNIST stores them.
    public static func mnistBytes(_ bytes: [UInt8], limits: ImageLimits = ImageLimits()) throws -> [UInt8] {
        try mnistPixels(bytes, limits: limits).map { UInt8(($0 * 255).rounded()) }
    }
}
