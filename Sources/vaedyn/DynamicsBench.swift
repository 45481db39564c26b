import Dynamics
import Foundation
import VAE

/// Seconds of one dynamics run end to end (chains, distances to eleven concepts and self,
/// records encoded as NDJSON and dropped) on a randomly initialised network, for
/// `vaedyn bench`: the "500 trials x 100 steps" figure.
func endToEndDynamicsSeconds(_ architecture: Architecture, trials: Int = 500, steps: Int = 100) throws -> Double {
    let parameters = Parameters(architecture)
    parameters.initialize(seed: 1)
    let z = architecture.latentSize
    var description = ModelDescription(id: "bench", dataset: "random", architecture: architecture, classNames: (0..<10).map(String.init))
    description.concepts = (0..<10).map { ConceptInfo(id: "class-\($0)", label: "\($0)", level: "class", parent: "all", count: 1) }
        + [ConceptInfo(id: "all", label: "all", level: "all", parent: nil, count: 10)]
    var rng = RandomStream(seed: 2)
    let concepts = (0..<11).map { _ in (0..<z).map { _ in rng.gaussianPair().0 } }
    let model = try DynamicsModel(bundle: ModelBundle(description: description, parameters: parameters, conceptVectors: concepts))
    // A digit-like input: 13 % ones, as the peers' benchmark data.
    let pixels = (0..<architecture.inputSize).map { _ in UInt8(rng.uniform() < 0.13 ? 255 : 0) }
    var p = DynamicsParameters()
    p.trials = trials
    p.steps = steps
    let run = try DynamicsRun(model: model, input: DynamicsInput(pixels: pixels, label: 6, info: InputInfo(source: "image", label: 6)), parameters: p)
    let started = Date()
    run.run { _ = $0.jsonLine() }
    return Date().timeIntervalSince(started)
}
