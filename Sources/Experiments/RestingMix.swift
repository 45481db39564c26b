import Dynamics
import VAE

/// Where the chain goes when no input tells it anything: chains started from the model's
/// own samples (z(0) ~ N(0, I), x(0) ~ p(x | z(0))) and run `steps` steps, with the share
/// of chains nearest each class concept at t = 0 (the class mix of the model's samples)
/// and at the end (the chain's resting mix).
///
/// Why: a chain from a noisy digit that "loses" its class may only be relaxing to this
/// mix, which the model has whatever the input; an input's retention means something only
/// against the share of its class here.
public struct RestingMix: Codable, Equatable {
    public var chains: Int
    public var steps: Int
    public var seed: UInt64
    /// Class names, in the order of the shares.
    public var classes: [String]
    /// Shares of the chains whose nearest class concept is each class, at t = 0 (the
    /// ancestral samples) and at t = steps.
    public var ancestral: [Float]
    public var resting: [Float]

    /// Runs the paper's chain (x and z drawn) from `chains` ancestral samples.
    public init(model: DynamicsModel, chains: Int, steps: Int, seed: UInt64, isCancelled: () -> Bool = { false }) throws {
        guard chains > 0, steps > 0 else { throw ExperimentError("the resting mix needs at least one chain and one step") }
        let batch = ChainBatch(network: model.network, trials: chains)
        batch.seed(seed)
        let z = model.architecture.latentSize, kernel = GibbsKernel(sampleImage: true, sampleLatent: true)
        for r in 0..<chains { batch.streams[r].fillGaussian(batch.workspace.latent.view + r * z, count: z) }
        kernel.step.generate(model.network, rows: chains, workspace: batch.workspace, into: batch.images.view, streams: &batch.streams)
        kernel.start(batch)
        let references = ReferenceSet(model: model, input: nil)
        let table = DistanceTable(references: references, metric: .euclidean, trials: chains)
        func shares() -> [Float] {
            let means = batch.means
            table.measure(means.view, stride: means.stride)
            let byConcept = table.nearestClassShares(rows: 0..<chains)
            // In the order of the class names, not of the concepts in the file.
            return model.bundle.description.classNames.indices.map { c in
                model.classConcept(label: c).flatMap { references.classReferences.firstIndex(of: $0) }.map { byConcept[$0] } ?? 0
            }
        }
        ancestral = shares()
        for _ in 1...steps {
            guard !isCancelled() else { throw CancellationError() }
            kernel.advance(batch)
        }
        resting = shares()
        self.chains = chains
        self.steps = steps
        self.seed = seed
        classes = model.bundle.description.classNames
    }

    /// An input of class `label` keeps more of its `trials` in its class (`ownShare` at the
    /// end) than chains that never saw an input give that class, by more than 2 binomial SE
    /// of `trials` trials: its retention is more than the chain's own bias. Per input, as
    /// the inputs are balanced over the classes and a mean over them would only compare
    /// with 1 / classes.
    public func keeps(ownShare: Float, label: Int, trials: Int) -> Bool {
        let chance = resting[label]
        return ownShare > chance + 2 * (chance * (1 - chance) / Float(trials)).squareRoot()
    }
}
