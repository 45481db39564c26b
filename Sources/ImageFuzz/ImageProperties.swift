import Imaging

/// What the fuzzer checks on every image the service can be sent (a raw image/png or PGM
/// body, or the decoded base64 of a `png` or `pgm` field): decoding and the MNIST
/// normalisation never crash, trap or leak, and fail only with ImageError (the 422 the
/// route answers); every single allocation stays within what the image limits allow (the
/// script runs libFuzzer with -malloc_limit_mb); and a decoded PNG re-encoded as grey
/// decodes to the same grey levels.
enum ImageProperties {
    /// The service's defaults (InputDecoder uses the same), so the limits fuzzed are the
    /// limits served.
    static let limits = ImageLimits()
    /// The round trip costs an encoding and a decoding; above this many pixels it would
    /// slow the fuzzer without covering anything that smaller images do not.
    static let roundTripPixels = 1 << 16

    static func check(_ bytes: [UInt8]) {
        examine(bytes)
        let fixed = PNGChunkCRC.fixed(bytes)
        if fixed != bytes { examine(fixed) }
    }

    static func examine(_ bytes: [UInt8]) {
        do {
            let digit = try DigitImage.mnistBytes(bytes, limits: limits)
            precondition(digit.count == MNISTForm.side * MNISTForm.side, "MNIST form of \(digit.count) pixels")
        } catch is ImageError {
        } catch {
            preconditionFailure("image decoding threw \(type(of: error)), not ImageError: \(error)")
        }
        guard bytes.starts(with: DigitImage.pngSignature), let image = try? PNGCodec.decode(bytes, limits: limits),
              image.pixels.count <= roundTripPixels else { return }
        do {
            let again = try PNGCodec.decode(PNGCodec.encodeGrey(image), limits: limits)
            precondition(again.width == image.width && again.height == image.height && again.pixels == image.pixels,
                         "a \(image.width) x \(image.height) PNG re-encoded as grey decodes to other grey levels")
        } catch {
            preconditionFailure("a decoded \(image.width) x \(image.height) PNG does not survive re-encoding: \(error)")
        }
    }
}
