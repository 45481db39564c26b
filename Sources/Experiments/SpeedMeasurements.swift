import Dynamics
import Foundation
import VAE

/// What `vaedyn bench` measures of our own code (the peers are run by the command line).
public enum SpeedMeasurements {
    /// Random binary images with 13 % ones, the peers' data.
    static func randomImages(count: Int, dimension: Int, seed: UInt64) -> ImageSet {
        var rng = RandomStream(seed: seed)
        let pixels = (0..<(count * dimension)).map { _ in rng.uniform() < 0.13 ? UInt8(255) : 0 }
        return ImageSet(rows: 28, columns: dimension / 28, pixels: pixels, labels: [UInt8](repeating: 0, count: count))
    }

    /// Training images per second at batch 100 over `steps` batches, after 20 untimed ones.
    public static func trainingRate(_ a: Architecture, steps trainingSteps: Int) -> Double {
        let images = randomImages(count: (trainingSteps + 20) * 100, dimension: a.inputSize, seed: 7)
        let parameters = Parameters(a)
        parameters.initialize(seed: 1)
        var options = TrainingOptions()
        options.epochs = 1
        let trainer = Trainer(parameters: parameters, train: images, test: nil, options: options)
        // The first 20 batches warm caches and thread pools and are not timed.
        var started = Date()
        _ = trainer.run(shouldStop: {
            if trainer.position.batch == 20 { started = Date() }
            return trainer.position.batch >= trainingSteps + 20
        }) { _ in }
        return Double(trainingSteps * 100) / Date().timeIntervalSince(started)
    }

    /// Chain-steps per second of the bare Gibbs step (encode, sample z, decode, sample x).
    public static func chainRate(_ model: DynamicsModel, chains: Int, steps: Int) -> Double {
        let a = model.architecture
        let ws = Workspace(a, capacity: chains)
        let x = FloatBuffer(count: chains * a.inputSize)
        var streams = (0..<chains).map { RandomStream(seed: 3, stream: UInt64($0)) }
        // A model may store no exemplars: the chains then start from blank images.
        let stored = model.bundle.exemplarPixels
        let exemplars = stored.isEmpty ? [[UInt8](repeating: 0, count: a.inputSize)] : stored
        for r in 0..<chains {
            exemplars[r % exemplars.count].withUnsafeBufferPointer {
                Binarizer().binarize($0, count: a.inputSize, into: x.view + r * a.inputSize, rng: &streams[r])
            }
        }
        let step = GibbsStep()
        // The bare step, without the engine's bookkeeping (the end-to-end dynamics figure
        // and "one trial" have it); the products are the engine's.
        let network = model.network
        for _ in 0..<5 {
            step.recognise(network, x: x.view, rows: chains, workspace: ws, streams: &streams)
            step.generate(network, rows: chains, workspace: ws, into: x.view, streams: &streams)
        }
        let start = Date()
        for _ in 0..<steps {
            step.recognise(network, x: x.view, rows: chains, workspace: ws, streams: &streams)
            step.generate(network, rows: chains, workspace: ws, into: x.view, streams: &streams)
        }
        return Double(chains * steps) / Date().timeIntervalSince(start)
    }

    /// Seconds of one dynamics run end to end (chains, distances to every concept and self,
    /// records encoded as NDJSON and dropped): the "500 trials x 100 steps" figure,
    /// from the first stored 6 with 20 % of its pixels replaced, as a user would ask.
    public static func endToEndDynamicsSeconds(_ model: DynamicsModel, trials: Int = 500, steps: Int = 100) throws -> Double {
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
    public static func kernelChainRate(_ model: DynamicsModel, kernel: ChainKernel, chains: Int = 500, steps: Int) throws -> Double {
        let batch = ChainBatch(network: model.network, trials: chains)
        batch.seed(3)
        batch.setInitialImages(try DynamicsInput.exemplar(of: model, label: 6, index: 0).pixels, binarize: true, noises: [try NoiseModel(kind: .replace, ratio: 0.2)])
        kernel.start(batch)
        for _ in 0..<3 { kernel.advance(batch) }
        let started = Date()
        for _ in 0..<steps { kernel.advance(batch) }
        return Double(chains * steps) / Date().timeIntervalSince(started)
    }
}
