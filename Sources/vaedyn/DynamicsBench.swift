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

/// Chain-steps/s of a kernel on the engine's own path (ChainBatch), from the first stored 6: the imputation kernels beside the paper's chain
/// run the same way, so their ratio is the cost of clamping and of the acceptance step.
func kernelChainRate(_ model: DynamicsModel, kernel: ChainKernel, chains: Int = 500, steps: Int) throws -> Double {
    let batch = ChainBatch(network: model.network, trials: chains)
    batch.seed(3)
    batch.setInitialImages(try DynamicsInput.exemplar(of: model, label: 6, index: 0).pixels, binarize: true, noises: [try NoiseModel(kind: .replace, ratio: 0.2)])
    kernel.start(batch)
    for _ in 0..<3 { kernel.advance(batch) }
    let started = Date()
    for _ in 0..<steps { kernel.advance(batch) }
    return Double(chains * steps) / Date().timeIntervalSince(started)
}
