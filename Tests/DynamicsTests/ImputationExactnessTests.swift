import Dynamics
import Foundation
import VAE
import XCTest

/// The imputation kernels against the exact conditional of a model small enough to
/// enumerate: 4 pixels, 3 hidden units, 1 latent unit, weights fixed here. Pixel 0 is
/// observed (1); p(x1, x2, x3 | x0) is computed by enumerating the 8 patterns and
/// integrating z by the trapezoid rule, with a decoder written out here in Double (not the
/// engine's). Many independent chains, read at their last step, give samples of each
/// kernel's law at T; a chi-square test says whether that is the exact conditional.
///
/// Metropolis-within-Gibbs must pass; pseudo-Gibbs (`clamped`) must fail, since its
/// stationary law is not the conditional when q(z | x) is not the posterior (Mattei &
/// Frellsen 2018), and this encoder, fixed by hand, is far from it.
final class ImputationExactnessTests: XCTestCase {
    static let architecture = Architecture(inputSize: 4, hiddenSize: 3, latentSize: 1)
    // Decoder: h = tanh(z w3 + b3), logits = h w4 + b4 (w4 row-major, hidden x pixels).
    static let w3: [Double] = [2.0, -1.5, 1.0]
    static let b3: [Double] = [0.0, 0.5, -0.5]
    static let w4: [Double] = [2.0, -1.0, 1.5, 0.5,
                               -1.0, 2.0, 0.5, -1.5,
                               1.0, 1.0, -2.0, 1.0]
    static let b4: [Double] = [0.5, -0.5, 0.0, 0.2]
    // Encoder: a poor posterior on purpose, mu rising with pixels 0 and 1, logvar = 0.
    static let w1: [Double] = [1.0, 0.0, 0.0,
                               0.5, 0.5, 0.0,
                               0.0, 0.0, 0.5,
                               -0.5, 0.0, 0.0]
    static let b1: [Double] = [0.0, 0.0, 0.0]
    static let w2: [Double] = [1.5, 0.0,
                               -1.0, 0.0,
                               0.5, 0.0]
    static let b2: [Double] = [-0.5, 0.0]

    static let hidden = [1, 2, 3]
    static let chains = 4000
    static let steps = 60
    /// The chi-square quantile 0.999 with 7 degrees of freedom (8 patterns less one), from
    /// the standard tables (NIST/SEMATECH e-Handbook, 1.3.6.7.4): the test's level is 0.001.
    static let critical = 24.322

    static func network() -> Network {
        let p = Parameters(architecture)
        p.view(.encoderHiddenWeight).update(from: w1.map(Float.init))
        p.view(.encoderHiddenBias).update(from: b1.map(Float.init))
        p.view(.encoderOutputWeight).update(from: w2.map(Float.init))
        p.view(.encoderOutputBias).update(from: b2.map(Float.init))
        p.view(.decoderHiddenWeight).update(from: w3.map(Float.init))
        p.view(.decoderHiddenBias).update(from: b3.map(Float.init))
        p.view(.decoderOutputWeight).update(from: w4.map(Float.init))
        p.view(.decoderOutputBias).update(from: b4.map(Float.init))
        return Network(parameters: p, frozen: true)
    }

    /// p(x | z) of the 4 pixels, in Double.
    static func likelihood(_ x: [Int], z: Double) -> Double {
        let h = (0..<3).map { tanh(z * w3[$0] + b3[$0]) }
        return (0..<4).reduce(1.0) { product, i in
            let logit = (0..<3).reduce(b4[i]) { $0 + h[$1] * w4[$1 * 4 + i] }
            let p = 1 / (1 + exp(-logit))
            return product * (x[i] == 1 ? p : 1 - p)
        }
    }

    /// Pattern k (bit j = hidden pixel j) with x0 = 1.
    static func image(_ k: Int) -> [Int] {
        var x = [1, 0, 0, 0]
        for (j, i) in hidden.enumerated() { x[i] = (k >> j) & 1 }
        return x
    }

    /// p(x_mis = pattern k | x0 = 1): the trapezoid rule on [-10, 10] in steps of 0.001.
    static func exactConditional() -> [Double] {
        let n = 20_000, a = -10.0, step = 20.0 / Double(n)
        var joint = [Double](repeating: 0, count: 8)
        for s in 0...n {
            let z = a + Double(s) * step, weight = (s == 0 || s == n ? 0.5 : 1) * exp(-z * z / 2)
            for k in 0..<8 { joint[k] += weight * likelihood(image(k), z: z) }
        }
        let total = joint.reduce(0, +)
        return joint.map { $0 / total }
    }

    /// How often each pattern is the hidden pixels' state at step T, over independent chains.
    static func counts(_ kernel: ChainKernel, seed: UInt64) throws -> [Int] {
        let batch = ChainBatch(network: network(), trials: chains)
        batch.seed(seed)
        batch.setInitialImages([255, 0, 0, 0], binarize: true, noises: [try NoiseModel(kind: .replace, ratio: 0)])
        kernel.start(batch)
        for _ in 0..<steps { kernel.advance(batch) }
        var counts = [Int](repeating: 0, count: 8)
        for r in 0..<chains {
            let row = batch.images.view + r * 4
            XCTAssertEqual(row[0], 1, "the observed pixel moved")
            counts[hidden.enumerated().reduce(0) { $0 | (row[$1.element] > 0.5 ? 1 << $1.offset : 0) }] += 1
        }
        return counts
    }

    static func chiSquare(_ counts: [Int], _ p: [Double]) -> Double {
        let n = Double(counts.reduce(0, +))
        return zip(counts, p).reduce(0) { $0 + pow(Double($1.0) - n * $1.1, 2) / (n * $1.1) }
    }

    static var mask: ImputationMask { get throws { try ImputationMask(hiddenIndices: hidden, pixels: 4) } }

    func testTheExactConditionalIsNotTrivial() {
        let p = Self.exactConditional()
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-12)
        // Every expected count well above 5, as the chi-square approximation needs.
        XCTAssertGreaterThan(p.min()! * Double(Self.chains), 20, "\(p)")
        XCTAssertLessThan(p.max()!, 0.5, "\(p)")
    }

    func testMetropolisWithinGibbsSamplesTheExactConditional() throws {
        let p = Self.exactConditional()
        let kernel = MetropolisWithinGibbsKernel(mask: try Self.mask)
        for seed: UInt64 in [3, 4] {
            let counts = try Self.counts(kernel, seed: seed)
            let x2 = Self.chiSquare(counts, p)
            // The figure docs/kernels.md quotes, in the test log.
            print(String(format: "mwg, seed %llu: chi-square %.2f (critical %.2f)", seed, x2, Self.critical))
            XCTAssertLessThan(x2, Self.critical, "seed \(seed): counts \(counts) against \(p.map { $0 * Double(Self.chains) })")
        }
    }

    func testPseudoGibbsIsBiasedHere() throws {
        let p = Self.exactConditional()
        let kernel = ClampedKernel(mask: try Self.mask, sampleImage: true, sampleLatent: true)
        let counts = try Self.counts(kernel, seed: 3)
        let x2 = Self.chiSquare(counts, p)
        print(String(format: "clamped, seed 3: chi-square %.1f (critical %.2f)", x2, Self.critical))
        // Far beyond the level: a bias, not a fluke.
        XCTAssertGreaterThan(x2, 10 * Self.critical, "counts \(counts) against \(p.map { $0 * Double(Self.chains) })")
    }

    func testTheProposalIsAcceptedOftenButNotAlways() throws {
        let kernel = MetropolisWithinGibbsKernel(mask: try Self.mask)
        let batch = ChainBatch(network: Self.network(), trials: Self.chains)
        batch.seed(5)
        batch.setInitialImages([255, 0, 0, 0], binarize: true, noises: [try NoiseModel(kind: .replace, ratio: 0)])
        kernel.start(batch)
        var rates: [Float] = []
        for _ in 0..<10 {
            kernel.advance(batch)
            rates.append(try XCTUnwrap(kernel.acceptance(batch, rows: 0..<Self.chains)))
        }
        XCTAssertTrue(rates.allSatisfy { $0 > 0.2 && $0 < 1 }, "\(rates)")
    }
}
