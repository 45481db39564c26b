import VAE
import XCTest

/// A frozen network's encoder and decoder give a row the bits it has alone, whatever rows
/// share its batch (binary or grey, which take different first layers), their number and
/// the thread count: what a chain, an encoding and an evaluation rest on.
final class NetworkRowInvarianceTests: XCTestCase {
    let architecture = Architecture.paper
    let rows = 31

    func network(threads: Int) -> Network {
        let p = Parameters(architecture)
        p.initialize(seed: 21)
        var network = Network(parameters: p, frozen: true)
        network.shardLimit = threads
        return network
    }

    /// `rows` images: binary ones (13 % ones, as digits), and grey ones at rows 4 and 20.
    func images() -> FloatBuffer {
        var rng = RandomStream(seed: 4)
        let d = architecture.inputSize
        return FloatBuffer((0..<rows * d).map { i in
            [4, 20].contains(i / d) ? rng.uniform() : (rng.uniform() < 0.13 ? 1 : 0)
        })
    }

    /// [mu | logvar] of rows `range` encoded as one batch.
    func encode(_ network: Network, _ x: FloatBuffer, _ range: Range<Int>) -> [[UInt32]] {
        let d = architecture.inputSize, width = 2 * architecture.latentSize
        let ws = Workspace(architecture, capacity: range.count, shards: 3)
        network.encode(x.view + range.lowerBound * d, rows: range.count, workspace: ws)
        return (0..<range.count).map { r in (0..<width).map { ws.encoderOutput[r * width + $0].bitPattern } }
    }

    func testAnEncodingDoesNotDependOnItsBatchOrThreads() {
        let x = images()
        let all = encode(network(threads: 2), x, 0..<rows)
        let oneThread = network(threads: 1)
        XCTAssertEqual(encode(oneThread, x, 0..<rows), all, "1 thread and 2")
        XCTAssertEqual(encode(network(threads: 3), x, 0..<rows), all, "3 threads and 2")
        // Each row alone: a binary one takes the sparse first layer alone, the dense one in a
        // batch with grey rows, and both give the same bits (a 0 or 1 times a weight by FMA
        // adds the weight or nothing, in the same order as the sparse sum).
        for r in 0..<rows {
            XCTAssertEqual(encode(oneThread, x, r..<(r + 1))[0], all[r], "row \(r) alone and among \(rows)")
        }
        // A batch of binary rows only (all sparse) against the same rows beside grey ones.
        XCTAssertEqual(encode(oneThread, x, 5..<20), Array(all[5..<20]))
    }

    func testADecodingDoesNotDependOnItsBatchOrThreads() {
        let z = architecture.latentSize, d = architecture.inputSize
        var rng = RandomStream(seed: 6)
        let codes = (0..<rows * z).map { _ in 2 * rng.uniform() - 1 }
        func decode(_ network: Network, _ range: Range<Int>) -> [[UInt32]] {
            let ws = Workspace(architecture, capacity: range.count, shards: 3)
            ws.latent.view.update(from: Array(codes[range.lowerBound * z..<range.upperBound * z]))
            network.decode(rows: range.count, workspace: ws)
            return (0..<range.count).map { r in (0..<d).map { ws.logits[r * d + $0].bitPattern } }
        }
        let all = decode(network(threads: 2), 0..<rows)
        XCTAssertEqual(decode(network(threads: 1), 0..<rows), all)
        for range in [0..<1, 7..<8, 3..<10, 25..<31] {
            XCTAssertEqual(decode(network(threads: 1), range), Array(all[range]), "rows \(range)")
        }
    }
}
