import Experiments
import ArgumentParser
import Dynamics
import Foundation
import VAE

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Print the encoder's mean and log-variance of images, to place them among the concepts.",
        discussion: """
            Each image is encoded from its grey levels (byte / 255), as the input's own reference `self` of a run is. \
            NDJSON: one line per image, {"model", "index", "source", "label", "testIndex", "mean", "logVariance"}. \
            npy (--format npy --out FILE): a float32 array of N x 2Z rows [mean | logVariance], in the order of the images.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case ndjson, npy }

    @OptionGroup var input: InputOptions
    @Option(name: .customLong("test-range"), help: "Test images A up to B (exclusive), A:B (needs --data).") var testRange: String?
    @Option(help: "ndjson (stdout) or npy (--out).") var format = Format.ndjson
    @Option(help: "The npy file to write.") var out: String?

    func validate() throws {
        if testRange != nil && input.hasInput { throw ValidationError("give --test-range or one input (--digit, --image, --test-index), not both") }
        if format == .npy && out == nil { throw ValidationError("--format npy writes a file: give --out") }
    }

    func run() throws {
        let model = try input.loadModel()
        let inputs = try testRange.map(testImages) ?? [try input.input(for: model)]
        let encodings = model.encodings(of: inputs.map(\.pixels))
        switch format {
        case .ndjson:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for (k, (input, e)) in zip(inputs, encodings).enumerated() {
                let line = EncodedImage(model: model.id, index: k, source: input.info.source, label: input.label, testIndex: input.info.testIndex,
                                        mean: e.mean, logVariance: e.logVariance)
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        case .npy:
            let z = model.architecture.latentSize
            let data = NpyArray.float32(encodings.flatMap { $0.mean + $0.logVariance }, shape: [encodings.count, 2 * z])
            try reporting("writing \(out!)") { try data.write(to: URL(fileURLWithPath: out!), options: .atomic) }
            Progress().line("wrote \(out!): \(encodings.count) x \(2 * z) float32, [mean | logVariance] per image")
        }
    }

    func testImages(_ text: String) throws -> [DynamicsInput] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a >= 0, b > a else { throw ValidationError("--test-range must be A:B with 0 <= A < B, got '\(text)'") }
        let test = try input.testSet()
        guard b <= test.count else { throw ValidationError("--test-range ends at \(b), past the \(test.count) test images") }
        return try (a..<b).map { try reporting("test image \($0)") { [i = $0] in try DynamicsInput.testImage(test, label: nil, index: i) } }
    }
}

/// One line of `vaedyn encode`.
struct EncodedImage: Encodable {
    var model: String
    var index: Int
    var source: String
    var label: Int?
    var testIndex: Int?
    var mean: [Float]
    var logVariance: [Float]
}

/// NumPy's .npy format, version 1.0 (numpy.org, "NEP 1" / numpy.lib.format): the magic
/// "\x93NUMPY", the version, a little-endian 16-bit header length, a Python dict literal
/// padded with spaces to a multiple of 64 bytes and ended by a newline, then the data.
enum NpyArray {
    static func float32(_ values: [Float], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count)
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }
}
