import Foundation
import VAE

/// The model file of a trained network, as `vaedyn train` and `vaedyn study` write it: the
/// training record, the concepts, the projection and the exemplars.
public enum TrainedBundle {
    /// `epochs`: the epochs trained so far (a study's checkpoint stops short of its schedule).
    public static func make(id: String, dataset: Dataset, trainer: Trainer, epochs: Int, train: ImageSet, test: ImageSet,
                     dataSHA256: [String: String]) -> ModelBundle {
        let options = trainer.options
        var description = ModelDescription(id: id, dataset: dataset.id, architecture: trainer.network.architecture, classNames: dataset.classNames)
        description.training = TrainingRecord(
            command: (["vaedyn"] + CommandLine.arguments.dropFirst()).joined(separator: " "), epochs: epochs, batchSize: options.batchSize,
            learningRate: options.learningRate, finalLearningRate: options.finalLearningRate, seed: options.seed, threads: Parallel.threads,
            binarisation: "dynamic (Bernoulli of byte/255, fresh per epoch)", dataSHA256: dataSHA256, seconds: trainer.secondsTraining,
            imagesPerSecond: Double(trainer.imagesTrained) / max(trainer.secondsTraining, 1e-9),
            finalTrainNegativeELBO: trainer.lastTrainLoss, finalTestNegativeELBO: trainer.lastTestLoss)
        var bundle = ModelBundle(description: description, parameters: trainer.network.parameters)
        ConceptBuilder(network: trainer.network).complete(&bundle, train: train, test: test)
        return bundle
    }
}
