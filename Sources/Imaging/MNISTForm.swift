import Foundation

/// Brings any greyscale image to the form of an MNIST digit, as LeCun et al. describe the
/// preparation of that set: light ink on a dark background, the ink's bounding box scaled
/// to fit 20 x 20 keeping its aspect ratio, placed in a 28 x 28 field so that its centre of
/// mass is at the centre.
public enum MNISTForm {
    public static let side = 28
    public static let box = 20

    /// Intensities of the 28 x 28 result, row-major, ink = 1.
    public static func normalize(_ source: GreyImage) throws -> [Float] {
        var image = flattenAlpha(source)
        orientInk(&image)
        let (lo, hi) = (image.pixels.min() ?? 0, image.pixels.max() ?? 0)
        let background = borderLevel(image)
        guard hi - max(background, lo) > 0.1 else {
            throw ImageError("the image has no ink: its intensities span only \(String(format: "%.2f", hi - lo)) of the range")
        }
        // Stretch so that the background is 0 and the strongest ink 1.
        image.pixels = image.pixels.map { min(max(($0 - background) / (hi - background), 0), 1) }
        let (x0, y0, x1, y1) = inkBox(image, threshold: 0.05)
        let w = x1 - x0, h = y1 - y0
        let scale = Float(box) / Float(max(w, h))
        let outW = max(1, min(box, Int((Float(w) * scale).rounded()))), outH = max(1, min(box, Int((Float(h) * scale).rounded())))
        let glyph = resample(image, x0: x0, y0: y0, width: w, height: h, toWidth: outW, toHeight: outH)
        return place(glyph, width: outW, height: outH)
    }

    /// Composites over white when the opaque ink is dark, over black when it is light, so
    /// that a transparent background never hides the drawing.
    static func flattenAlpha(_ image: GreyImage) -> GreyImage {
        guard let alpha = image.alpha else { return image }
        var inkSum: Float = 0, inkWeight: Float = 0
        for (v, a) in zip(image.pixels, alpha) where a > 0.5 {
            inkSum += v * a
            inkWeight += a
        }
        let backdrop: Float = inkWeight > 0 && inkSum / inkWeight < 0.5 ? 1 : 0
        let flat = zip(image.pixels, alpha).map { v, a in v * a + backdrop * (1 - a) }
        return GreyImage(width: image.width, height: image.height, pixels: flat)
    }

    /// The median of the outermost pixels: the background, whatever the ink does.
    static func borderLevel(_ image: GreyImage) -> Float {
        var border: [Float] = []
        for x in 0..<image.width { border.append(image[x, 0]); border.append(image[x, image.height - 1]) }
        for y in 0..<image.height { border.append(image[0, y]); border.append(image[image.width - 1, y]) }
        border.sort()
        return border[border.count / 2]
    }

    /// Inverts images with a light background (dark ink on paper) to MNIST's light ink.
    static func orientInk(_ image: inout GreyImage) {
        if borderLevel(image) > 0.5 { image.pixels = image.pixels.map { 1 - $0 } }
    }

    /// Half-open bounding box of the pixels above `threshold`.
    static func inkBox(_ image: GreyImage, threshold: Float) -> (Int, Int, Int, Int) {
        var x0 = image.width, y0 = image.height, x1 = 0, y1 = 0
        for y in 0..<image.height {
            for x in 0..<image.width where image[x, y] > threshold {
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x + 1); y1 = max(y1, y + 1)
            }
        }
        return (x0, y0, x1, y1)
    }

    /// Box-filter resampling of a rectangle: each output pixel is the area-weighted mean of
    /// the source pixels it covers (anti-aliased when shrinking, smooth when enlarging).
    static func resample(_ image: GreyImage, x0: Int, y0: Int, width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Float] {
        let sx = Float(width) / Float(toWidth), sy = Float(height) / Float(toHeight)
        func coverage(_ lo: Float, _ hi: Float, _ count: Int) -> [(Int, Float)] {
            var out: [(Int, Float)] = []
            var p = Int(lo.rounded(.down))
            while Float(p) < hi && p < count {
                let overlap = min(hi, Float(p + 1)) - max(lo, Float(p))
                if overlap > 0 { out.append((p, overlap)) }
                p += 1
            }
            return out
        }
        let columns = (0..<toWidth).map { coverage(Float($0) * sx, Float($0 + 1) * sx, width) }
        var out = [Float](repeating: 0, count: toWidth * toHeight)
        for j in 0..<toHeight {
            let rows = coverage(Float(j) * sy, Float(j + 1) * sy, height)
            for i in 0..<toWidth {
                var sum: Float = 0, weight: Float = 0
                for (y, wy) in rows {
                    for (x, wx) in columns[i] {
                        sum += image[x0 + x, y0 + y] * wx * wy
                        weight += wx * wy
                    }
                }
                out[j * toWidth + i] = weight > 0 ? sum / weight : 0
            }
        }
        return out
    }

    /// Puts the glyph in the 28 x 28 field with its centre of mass on the field's centre,
    /// shifted no further than keeps the whole glyph inside.
    static func place(_ glyph: [Float], width: Int, height: Int) -> [Float] {
        var mass: Float = 0, mx: Float = 0, my: Float = 0
        for y in 0..<height {
            for x in 0..<width {
                let v = glyph[y * width + x]
                mass += v; mx += v * Float(x); my += v * Float(y)
            }
        }
        let centre = Float(side - 1) / 2
        let cx = mass > 0 ? mx / mass : Float(width - 1) / 2, cy = mass > 0 ? my / mass : Float(height - 1) / 2
        let left = min(max(Int((centre - cx).rounded()), 0), side - width)
        let top = min(max(Int((centre - cy).rounded()), 0), side - height)
        var out = [Float](repeating: 0, count: side * side)
        for y in 0..<height {
            for x in 0..<width { out[(top + y) * side + left + x] = glyph[y * width + x] }
        }
        return out
    }
}
