import Dynamics
import Foundation
import VAE

/// Seconds of one dynamics run end to end (chains, distances to every concept and self,
/// records encoded as NDJSON and dropped): the "500 trials x 100 steps" figure,
/// from the first stored 6 with 20 % of its pixels replaced, as a user would ask.
func endToEndDynamicsSeconds(_ model: DynamicsModel, trials: Int = 500, steps: Int = 100) throws -> Double {
    var p = DynamicsParameters()
    p.trials = trials
    p.steps = steps
    let run = try DynamicsRun(model: model, input: try DynamicsInput.exemplar(of: model, label: 6, index: 0), parameters: p)
    let started = Date()
    run.run { _ = $0.jsonLine() }
    return Date().timeIntervalSince(started)
}
