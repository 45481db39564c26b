import Imaging

/// Test images of our own making: a digit-like glyph (a ring with a tail, like a 6) drawn
/// into a canvas of any size, with chosen ink and background levels.
struct Canvas {
    let width: Int
    let height: Int
    var grey: [Float]

    init(width: Int, height: Int, background: Float) {
        self.width = width
        self.height = height
        grey = [Float](repeating: background, count: width * height)
    }

    /// Ring of radius r and thickness t centred at (cx, cy), plus a stroke from its top left
    /// going up: a rough 6. Coordinates are fractions of the canvas.
    mutating func drawSix(ink: Float, cx: Float = 0.5, cy: Float = 0.6, radius: Float = 0.2, thickness: Float = 0.06) {
        let s = Float(min(width, height))
        for y in 0..<height {
            for x in 0..<width {
                let dx = Float(x) - cx * Float(width), dy = Float(y) - cy * Float(height)
                let d = (dx * dx + dy * dy).squareRoot()
                let onRing = abs(d - radius * s) < thickness * s
                let onTail = dx < 0 && dx > -radius * s - thickness * s && dy < 0 && dy > -2.2 * radius * s
                    && abs(dx + radius * s * (1 + dy / (2.2 * radius * s)) * 0.9) < thickness * s
                if onRing || onTail { grey[y * width + x] = ink }
            }
        }
    }

    var image: GreyImage { GreyImage(width: width, height: height, pixels: grey) }
}

/// Facts any MNIST-form digit must show, whatever the source looked like.
struct FormFacts {
    let centreX: Float, centreY: Float
    let boxWidth: Int, boxHeight: Int
    let ink: Float

    init(_ pixels: [Float]) {
        var mass: Float = 0, mx: Float = 0, my: Float = 0
        var x0 = 28, y0 = 28, x1 = 0, y1 = 0
        for y in 0..<28 {
            for x in 0..<28 {
                let v = pixels[y * 28 + x]
                mass += v; mx += v * Float(x); my += v * Float(y)
                if v > 0.05 { x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x + 1); y1 = max(y1, y + 1) }
            }
        }
        centreX = mx / mass
        centreY = my / mass
        boxWidth = x1 - x0
        boxHeight = y1 - y0
        ink = mass
    }
}
