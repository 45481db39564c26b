import CPNG

/// PNG through the system libpng's simplified API, which converts every colour type
/// (grey, grey+alpha, RGB, RGBA, palette, 16-bit) to 8-bit grey with alpha.
public enum PNGCodec {
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = ImageLimits()) throws -> GreyImage {
        _ = try PNGChunks.scan(bytes)
        var image = png_image()
        vaedyn_png_image_init(&image)
        defer { png_image_free(&image) }
        let began = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw ImageError("not a readable PNG: \(message(image))") }
        let width = Int(image.width), height = Int(image.height)
        try limits.check(width: width, height: height, format: "PNG")
        image.format = vaedyn_png_format_ga
        var buffer = [UInt8](repeating: 0, count: width * height * 2)
        let finished = buffer.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0, vaedyn_png_image_failed(&image) == 0 else { throw ImageError("PNG data is damaged: \(message(image))") }
        var grey = [Float](repeating: 0, count: width * height), alpha = grey
        var opaque = true
        for i in 0..<(width * height) {
            grey[i] = Float(buffer[2 * i]) / 255
            alpha[i] = Float(buffer[2 * i + 1]) / 255
            if buffer[2 * i + 1] != 255 { opaque = false }
        }
        return GreyImage(width: width, height: height, pixels: grey, alpha: opaque ? nil : alpha)
    }

    /// 8-bit grey PNG of `image` (alpha dropped); the tests make their inputs with it.
    public static func encodeGrey(_ image: GreyImage) throws -> [UInt8] {
        try encode(width: image.width, height: image.height, format: vaedyn_png_format_gray,
                   samples: image.pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) })
    }

    /// Encodes raw 8-bit samples in one of libpng's simplified formats.
    public static func encode(width: Int, height: Int, format: png_uint_32, samples: [UInt8]) throws -> [UInt8] {
        var image = png_image()
        vaedyn_png_image_init(&image)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = format
        var size = 0
        let sized = samples.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard sized != 0 else { throw ImageError("PNG encoding failed: \(message(image))") }
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBytes { o in
            samples.withUnsafeBytes { png_image_write_to_memory(&image, o.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard written != 0 else { throw ImageError("PNG encoding failed: \(message(image))") }
        return Array(out.prefix(size))
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
