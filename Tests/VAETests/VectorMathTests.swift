import Foundation
import VAE
import XCTest

final class VectorMathTests: XCTestCase {
    /// Checks `f` on 16-lane batches of `inputs` against a Double reference.
    func check(_ inputs: [Float], _ f: (Lanes) -> Lanes, _ reference: (Double) -> Double,
               relative: Double = 0, absolute: Double = 0, file: StaticString = #filePath, line: UInt = #line) {
        var worst = 0.0, at: Float = 0
        for start in stride(from: 0, to: inputs.count, by: 16) {
            var v = Lanes(repeating: inputs[start])
            for j in 0..<min(16, inputs.count - start) { v[j] = inputs[start + j] }
            let out = f(v)
            for j in 0..<min(16, inputs.count - start) {
                let want = reference(Double(v[j]))
                let excess = abs(Double(out[j]) - want) - (absolute + relative * abs(want))
                if excess > worst { worst = excess; at = v[j] }
            }
        }
        XCTAssertEqual(worst, 0, "worst excess error at x = \(at)", file: file, line: line)
    }

    func grid(_ lo: Float, _ hi: Float, _ n: Int) -> [Float] { (0...n).map { lo + (hi - lo) * Float($0) / Float(n) } }

    func testExp() {
        check(grid(-87, 88, 20000), VectorMath.exp, Foundation.exp, relative: 4e-7)
    }

    func testLog() {
        check(grid(1e-30, 10, 5000) + grid(0.5, 2, 5000) + [1, Float.greatestFiniteMagnitude, Float.leastNormalMagnitude],
              VectorMath.log, Foundation.log, relative: 2e-7, absolute: 1e-7)
    }

    func testTanh() {
        check(grid(-20, 20, 40000) + grid(-1e-3, 1e-3, 1000), VectorMath.tanh, Foundation.tanh, absolute: 3e-7)
    }

    func testSigmoid() {
        check(grid(-100, 100, 40000), VectorMath.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }, absolute: 3e-7)
    }

    func testSoftplus() {
        check(grid(-100, 100, 40000), VectorMath.softplus, { max($0, 0) + Foundation.log1p(Foundation.exp(-abs($0))) },
              relative: 3e-7, absolute: 3e-7)
    }

    func testTailsShorterThanALaneAreComputed() {
        let input: [Float] = (0..<37).map { Float($0) / 10 - 1.8 }
        let output = FloatBuffer(count: 37, value: .nan)
        VectorMath.tanh(FloatBuffer(input).view, output.view, count: 37)
        XCTAssertEqual(output.count, input.count)
        for (x, y) in zip(input, output.array) { XCTAssertEqual(Double(y), Foundation.tanh(Double(x)), accuracy: 3e-7) }
    }
}
