import Dynamics
import Foundation
import VAE
import XCTest

/// Imputation runs end to end on the synthetic model: what the records carry and that the
/// observed pixels never move.
final class ImputationRunTests: XCTestCase {
    func parameters(_ kernel: DynamicsParameters.Kernel, mask: String = "top-half") -> DynamicsParameters {
        var p = DynamicsParameters()
        p.kernel = kernel
        p.mask = .named(mask)
        p.steps = 4
        p.trials = 16
        p.noise = try! NoiseModel(kind: .replace, ratio: 0)
        p.meanImage = true
        return p
    }

    func testTheObservedPixelsStayAtTheInputsWhileTheHiddenOnesAreFilledIn() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 3, index: 0)
        for kernel in [DynamicsParameters.Kernel.clamped, .mwg] {
            var p = parameters(kernel)
            // Grey levels for clamped, so that an observed pixel is its byte exactly; mwg needs bits.
            p.binarize = kernel == .mwg
            let records = TestModels.records(try DynamicsRun(model: model, input: input, parameters: p))
            guard case .start(let start) = records[0] else { return XCTFail("no start record") }
            XCTAssertEqual(start.kernel, kernel.rawValue)
            XCTAssertEqual(start.hiddenPixels, 392)
            XCTAssertEqual(start.parameters.mask, .named("top-half"))
            let steps = TestModels.steps(records)
            XCTAssertEqual(steps.count, 5)
            for step in steps {
                let image = try XCTUnwrap(step.meanImage)
                for i in 392..<784 {
                    if kernel == .clamped {
                        XCTAssertEqual(image[i], Float(input.pixels[i]) / 255, accuracy: 1e-6, "\(kernel) t = \(step.t), pixel \(i)")
                    } else {
                        // Each trial's own binarisation of the input: all 0 where the input is 0, all 1 where 255.
                        if input.pixels[i] == 0 { XCTAssertEqual(image[i], 0, "\(kernel) t = \(step.t), pixel \(i)") }
                        if input.pixels[i] == 255 { XCTAssertEqual(image[i], 1, "\(kernel) t = \(step.t), pixel \(i)") }
                    }
                }
                XCTAssertTrue(image[..<392].allSatisfy { $0 == 0 } == (step.t == 0), "hidden pixels start at 0 and are drawn after")
                let reading = try XCTUnwrap(step.imputation)
                XCTAssertTrue((0...1).contains(reading.error) && (0...1).contains(reading.accuracy), "\(reading)")
                XCTAssertEqual(step.acceptance != nil, kernel == .mwg && step.t > 0, "\(kernel) t = \(step.t)")
            }
        }
    }

    func testThePaperChainHasNoImputationFields() throws {
        let model = try TestModels.synthetic()
        var p = parameters(.gibbs)
        p.mask = nil
        let records = TestModels.records(try DynamicsRun(model: model, input: try DynamicsInput.exemplar(of: model, label: 1, index: 0), parameters: p))
        guard case .start(let start) = records[0] else { return XCTFail("no start record") }
        XCTAssertNil(start.hiddenPixels)
        XCTAssertTrue(TestModels.steps(records).allSatisfy { $0.imputation == nil && $0.acceptance == nil })
    }

    func testAnImputationRunIsReproducibleAndItsParametersRoundTrip() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 2, index: 1)
        let p = parameters(.mwg, mask: "random:0.3:4")
        let first = TestModels.records(try DynamicsRun(model: model, input: input, parameters: p))
        XCTAssertEqual(TestModels.records(try DynamicsRun(model: model, input: input, parameters: p)), first)
        guard case .start(let start) = first[0] else { return XCTFail("no start record") }
        let echoed = try JSONDecoder().decode(DynamicsParameters.self, from: JSONEncoder().encode(start.parameters))
        XCTAssertEqual(echoed, p)
    }

    func testARunRefusesAMaskTheModelCannotTake() throws {
        let model = try TestModels.synthetic()
        let input = try DynamicsInput.exemplar(of: model, label: 2, index: 1)
        var p = parameters(.clamped)
        p.mask = .indices([784])
        XCTAssertThrowsError(try DynamicsRun(model: model, input: input, parameters: p)) { XCTAssertTrue("\($0)".contains("not a pixel"), "\($0)") }
        p.mask = nil
        XCTAssertThrowsError(try DynamicsRun(model: model, input: input, parameters: p)) { XCTAssertTrue("\($0)".contains("mask"), "\($0)") }
    }

    func testASweepRunsAnImputationKernelToo() throws {
        let model = try TestModels.synthetic()
        var p = parameters(.clamped)
        p.meanImage = false
        let sweep = try SweepRun(model: model, inputs: [try DynamicsInput.exemplar(of: model, label: 2, index: 1)], ratios: [0, 0.5], parameters: p)
        var records: [DynamicsRecord] = []
        sweep.run { records.append($0) }
        guard case .start(let start) = records.first, case .summary(let summary)? = records.last else { return XCTFail("\(records)") }
        XCTAssertEqual(start.kernel, "clamped")
        XCTAssertTrue(summary.done)
    }
}
