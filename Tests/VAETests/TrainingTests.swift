import Foundation
import VAE
import XCTest

final class TrainingTests: XCTestCase {
    let architecture = Architecture(inputSize: 784, hiddenSize: 48, latentSize: 6)

    func options(epochs: Int = 3) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 10
        o.seed = 42
        return o
    }

    func train(stopAfter: Int? = nil, resumeFrom: Checkpoint? = nil) throws -> Trainer {
        let data = try Fixture.testImages()
        let p = Parameters(architecture)
        p.initialize(seed: 42)
        let trainer = Trainer(parameters: p, train: data, test: data, options: options())
        resumeFrom?.restore(into: trainer)
        var batches = 0
        _ = trainer.run(shouldStop: {
            defer { batches += 1 }
            return stopAfter.map { batches >= $0 } ?? false
        }) { _ in }
        return trainer
    }

    func testLossFallsAndTestFigureIsReported() throws {
        var losses: [Double] = []
        var tests: [Double] = []
        let data = try Fixture.testImages()
        let p = Parameters(architecture)
        p.initialize(seed: 1)
        let trainer = Trainer(parameters: p, train: data, test: data, options: options(epochs: 6))
        _ = trainer.run { event in
            if case let .epoch(_, train, test, _) = event {
                losses.append(train)
                tests.append(test ?? .nan)
            }
        }
        XCTAssertEqual(losses.count, 6)
        XCTAssertLessThan(losses.last!, losses.first! - 50, "\(losses)")
        XCTAssertTrue(tests.allSatisfy { $0.isFinite && $0 > 0 }, "\(tests)")
    }

    func testSameSeedGivesIdenticalWeights() throws {
        let a = try train(), b = try train()
        XCTAssertEqual(a.network.parameters.storage.array, b.network.parameters.storage.array)
    }

    func testDifferentSeedsGiveDifferentWeights() throws {
        let data = try Fixture.testImages()
        var results: [[Float]] = []
        for seed in [1, 2] as [UInt64] {
            let p = Parameters(architecture)
            p.initialize(seed: 42)
            var o = options(epochs: 1)
            o.seed = seed
            _ = Trainer(parameters: p, train: data, test: nil, options: o).run { _ in }
            results.append(p.storage.array)
        }
        XCTAssertNotEqual(results[0], results[1])
    }

    func testResumedRunEqualsUninterruptedRun() throws {
        let (dir, cleanup) = try Fixture.scratch()
        defer { cleanup() }
        let whole = try train()
        let stopped = try train(stopAfter: 17)
        XCTAssertEqual(stopped.position, TrainingPosition(epoch: 1, batch: 7))
        let state = Checkpoint.State(architecture: architecture, options: options(), position: stopped.position,
                                     imagesTrained: stopped.imagesTrained, secondsTraining: stopped.secondsTraining,
                                     adamStep: stopped.optimizer.step, dataSHA256: ["x": "y"])
        let url = dir.appendingPathComponent("run.ckpt")
        try Checkpoint(state: state, trainer: stopped).write(to: url)
        let loaded = try Checkpoint(contentsOf: url)
        XCTAssertEqual(loaded.state.position, stopped.position)
        let resumed = try train(resumeFrom: loaded)
        XCTAssertEqual(resumed.network.parameters.storage.array, whole.network.parameters.storage.array)
        XCTAssertEqual(resumed.optimizer.step, whole.optimizer.step)
    }

    func testCheckpointIsNotAModel() throws {
        let (dir, cleanup) = try Fixture.scratch()
        defer { cleanup() }
        let t = try train(stopAfter: 2)
        let state = Checkpoint.State(architecture: architecture, options: options(), position: t.position, imagesTrained: 0,
                                     secondsTraining: 0, adamStep: t.optimizer.step, dataSHA256: [:])
        let url = dir.appendingPathComponent("c.ckpt")
        try Checkpoint(state: state, trainer: t).write(to: url)
        XCTAssertThrowsError(try ModelBundle(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("checkpoint"), "\(error)")
        }
    }
}
