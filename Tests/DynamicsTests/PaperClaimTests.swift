import Dynamics
import XCTest

/// The paper's claims that hold robustly on the committed default model (see
/// docs/reproduction.md for the fragile ones). Seeds, samples and thresholds are fixed
/// here and were not tuned.
final class PaperClaimTests: XCTestCase {
    func parameters(steps: Int, trials: Int, noise: Float, image: DynamicsParameters.Draw) throws -> DynamicsParameters {
        var p = DynamicsParameters()
        p.steps = steps
        p.trials = trials
        p.seed = 1
        p.noise = try NoiseModel(kind: .replace, ratio: noise)
        p.image = image
        return p
    }

    /// Fig 2b: from t = 0 to t = 1 the mean distance to every class concept falls, for the
    /// first two exemplars of every class, with sampled x and with decoder-mean x.
    func testStateApproachesEveryClassConceptAtTheFirstStep() throws {
        let model = try TestModels.committed()
        let inputs = try DynamicsInput.exemplars(of: model, labels: Array(0..<10), perClass: 2)
        for image in DynamicsParameters.Draw.allCases {
            for input in inputs {
                let run = try DynamicsRun(model: model, input: input, parameters: parameters(steps: 1, trials: 100, noise: 0.2, image: image))
                let steps = TestModels.steps(TestModels.records(run))
                for r in model.classConcepts {
                    XCTAssertLessThan(steps[1].distance[r], steps[0].distance[r],
                                      "x \(image), test image \(input.info.testIndex!) (a \(input.label!)), \(model.concepts[r].id)")
                }
            }
        }
    }

    /// Fig 3: at noise 0.05 every image of the sample is nearest its own pattern (stage I),
    /// at noise 0.9 nearest xi_bar_all (stage III).
    func testSmallNoiseIsStageOneAndLargeNoiseStageThree() throws {
        let model = try TestModels.committed()
        let inputs = try DynamicsInput.exemplars(of: model, labels: Array(0..<10), perClass: 1)
        var points: [PointRecord] = []
        let sweep = try SweepRun(model: model, inputs: inputs, ratios: [0.05, 0.9],
                                 parameters: parameters(steps: 50, trials: 100, noise: 0, image: .sample))
        sweep.run { if case .point(let p) = $0 { points.append(p) } }
        XCTAssertEqual(points.count, 20)
        for p in points {
            let expected = p.ratio < 0.5 ? 1 : 3
            XCTAssertEqual(p.stage, expected, "test image \(inputs[p.input].info.testIndex!) at noise \(p.ratio): nearest \(p.stageReference ?? "?")")
        }
    }
}
