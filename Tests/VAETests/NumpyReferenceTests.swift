import Foundation
import VAE
import XCTest

/// Runs Tests/Reference/vae_reference.py, an independent numpy implementation, on the
/// weights, inputs and noise used here and on the results of the Swift forward and
/// backward pass, at the paper's layer sizes.
final class NumpyReferenceTests: XCTestCase {
    func testSwiftAgreesWithNumpyReference() throws {
        // 16 rows: two shards on a 2-core machine, so the shard sum is checked too.
        let rows = 16
        let c = TinyCase(architecture: .paper, rows: rows, seed: 5)
        let a = c.parameters.architecture
        let ws = c.workspace()
        let g = batchGradient(Network(parameters: c.parameters), c.x.view, rows: rows, workspace: ws)

        var archive = TensorArchive(kind: "vaedyn-reference-case", metadata: try JSONEncoder().encode(a))
        func add(_ name: String, _ shape: [Int], _ p: FloatView) {
            archive.add(name, shape: shape, floats: p.prefix(shape.reduce(1, *)).buffer)
        }
        let d = a.inputSize, h = a.hiddenSize, z = a.latentSize
        let shapes: [(String, Parameters.Block, [Int])] = [
            ("w1", .encoderHiddenWeight, [d, h]), ("b1", .encoderHiddenBias, [h]),
            ("w2", .encoderOutputWeight, [h, 2 * z]), ("b2", .encoderOutputBias, [2 * z]),
            ("w3", .decoderHiddenWeight, [z, h]), ("b3", .decoderHiddenBias, [h]),
            ("w4", .decoderOutputWeight, [h, d]), ("b4", .decoderOutputBias, [d]),
        ]
        for (name, block, shape) in shapes {
            add(name, shape, c.parameters.view(block))
            add("g_" + name, shape, g.view(block))
        }
        add("x", [rows, d], c.x.view)
        archive.add("eps", shape: [rows, z], floats: c.eps)
        let e = ws.encoderOutput.array
        archive.add("mu", shape: [rows, z], floats: (0..<rows).flatMap { r in e[(r * 2 * z)..<(r * 2 * z + z)] })
        archive.add("logvar", shape: [rows, z], floats: (0..<rows).flatMap { r in e[(r * 2 * z + z)..<(r * 2 * z + 2 * z)] })
        add("logits", [rows, d], ws.logits.view)
        add("rec", [rows], ws.reconstruction.view)
        add("kl", [rows], ws.kl.view)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaedyn-reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let casePath = folder.appendingPathComponent("case.vaem")
        try archive.write(to: casePath)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Reference/vae_reference.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, casePath.path, "1e-4"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(output)
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("numpy reference agrees"), output)
    }
}
