import Dynamics
import Foundation
import Imaging

/// Turns the `image` field (or a raw image body) into the engine's input.
struct InputDecoder {
    let model: DynamicsModel
    let imageLimits = ImageLimits()

    /// `{"pixels": [784 numbers in 0..1]}` (already in MNIST form), `{"png": base64}`,
    /// `{"pgm": base64}` (any size; brought to MNIST form) or
    /// `{"exemplar": {"digit": 6, "index": 0}}`; `label` names the class of a given image.
    func decode(_ image: inout JSONFields, label: Int?) throws -> DynamicsInput {
        let forms = ["pixels", "png", "pgm", "exemplar"].filter { image.has($0) }
        guard forms.count == 1 else {
            throw FieldError(image.path, forms.isEmpty ? "needs one of pixels, png, pgm or exemplar" : "has both \(forms[0]) and \(forms[1]); give one")
        }
        let input: DynamicsInput
        switch forms[0] {
        case "exemplar":
            var e = try image.object("exemplar")!
            let classes = model.bundle.description.classNames.count
            guard let digit = try e.integer("digit", in: 0...(classes - 1)) else { throw FieldError(e.name("digit"), "is required") }
            let index = try e.integer("index", in: 0...100_000) ?? 0
            try e.rejectUnknown()
            guard label == nil || label == digit else { throw FieldError("label", "disagrees with the exemplar's digit \(digit)") }
            do { input = try DynamicsInput.exemplar(of: model, label: digit, index: index) } catch {
                throw FieldError(e.name("index"), "\(error)")
            }
        case "pixels":
            let values = try image.array("pixels")!
            let d = model.architecture.inputSize
            guard values.count == d else { throw FieldError(image.name("pixels"), "must hold \(d) numbers, got \(values.count)") }
            var bytes = [UInt8](repeating: 0, count: d)
            for (i, v) in values.enumerated() {
                guard let n = v as? NSNumber, !JSONFields.isBoolean(n), n.doubleValue.isFinite, (0...1).contains(n.doubleValue) else {
                    throw FieldError(image.name("pixels[\(i)]"), "must be a number in 0...1")
                }
                bytes[i] = UInt8((n.doubleValue * 255).rounded())
            }
            input = DynamicsInput(pixels: bytes, label: label, info: InputInfo(source: "image", label: label))
        default:
            let kind = forms[0]
            guard let text = try image.string(kind), let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw FieldError(image.name(kind), "must be base64 text")
            }
            input = try decode(bytes: [UInt8](data), field: image.name(kind), label: label)
        }
        try image.rejectUnknown()
        return input
    }

    /// `{"png": base64}` or `{"pgm": base64}`: an image of the model's own size, as it is
    /// (neither cropped nor scaled, or its pixels would move), one byte a pixel.
    func maskImage(_ image: inout JSONFields) throws -> [UInt8] {
        let forms = ["png", "pgm"].filter { image.has($0) }
        guard forms.count == 1 else { throw FieldError(image.path, forms.isEmpty ? "needs png or pgm" : "has both png and pgm; give one") }
        guard let text = try image.string(forms[0]), let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
            throw FieldError(image.name(forms[0]), "must be base64 text")
        }
        try image.rejectUnknown()
        let decoded: GreyImage
        do { decoded = try DigitImage.decode([UInt8](data), limits: imageLimits) } catch let error as ImageError {
            throw FieldError(image.name(forms[0]), error.description)
        }
        let d = model.architecture.inputSize, side = Int(Double(d).squareRoot().rounded())
        guard decoded.width == side, decoded.height == side, side * side == d else {
            throw FieldError(image.name(forms[0]), "a mask must be \(side) x \(side) pixels, the model's image, not \(decoded.width) x \(decoded.height)")
        }
        return decoded.pixels.map { UInt8(($0 * 255).rounded()) }
    }

    /// A PNG or PGM file of any size, brought to MNIST form.
    func decode(bytes: [UInt8], field: String, label: Int?) throws -> DynamicsInput {
        let pixels: [UInt8]
        do { pixels = try DigitImage.mnistBytes(bytes, limits: imageLimits) } catch let error as ImageError {
            throw FieldError(field, error.description)
        }
        guard pixels.count == model.architecture.inputSize else {
            throw FieldError(field, "model '\(model.id)' takes \(model.architecture.inputSize) pixels, not MNIST's 784")
        }
        return DynamicsInput(pixels: pixels, label: label, info: InputInfo(source: "image", label: label))
    }
}
