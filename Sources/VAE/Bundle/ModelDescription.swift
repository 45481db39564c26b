import Foundation

/// Everything about a model file except its tensors: the JSON half of a `.vaem` bundle.
public struct ModelDescription: Codable, Sendable {
    public var id: String
    public var dataset: String
    public var architecture: Architecture
    public var classNames: [String]
    public var training: TrainingRecord?
    /// Where the weights came from when they were trained elsewhere (`vaedyn import`).
    public var imported: ImportRecord?
    public var metrics: ModelMetrics?
    /// In the order of the rows of the "concepts" tensor.
    public var concepts: [ConceptInfo]
    /// The levels of the concepts and the provenance of their groups; absent in files
    /// written before trees had more levels, which hold the paper's two (`conceptLevels`).
    public var conceptTree: ConceptTreeInfo?
    /// In the order of the rows of the "exemplars" tensor.
    public var exemplars: [ExemplarInfo]
    /// Fractions of the variance of the training encoder means along the projection axes.
    public var projectionVariance: [Double]

    public init(id: String, dataset: String, architecture: Architecture, classNames: [String]) {
        self.id = id
        self.dataset = dataset
        self.architecture = architecture
        self.classNames = classNames
        concepts = []
        exemplars = []
        projectionVariance = []
    }

    /// The levels of the concepts, from "class" to the root's.
    public var conceptLevels: [String] { (conceptTree ?? .paper).levels }
}

/// How a model was trained, so that the run can be repeated.
public struct TrainingRecord: Codable, Sendable {
    public var command: String
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var finalLearningRate: Float
    public var seed: UInt64
    public var threads: Int
    public var binarisation: String
    /// SHA-256 of each data file read, by file name.
    public var dataSHA256: [String: String]
    public var seconds: Double
    public var imagesPerSecond: Double
    public var finalTrainNegativeELBO: Double
    public var finalTestNegativeELBO: Double?

    public init(command: String, epochs: Int, batchSize: Int, learningRate: Float, finalLearningRate: Float, seed: UInt64,
                threads: Int, binarisation: String, dataSHA256: [String: String], seconds: Double, imagesPerSecond: Double,
                finalTrainNegativeELBO: Double, finalTestNegativeELBO: Double?) {
        self.command = command
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.finalLearningRate = finalLearningRate
        self.seed = seed
        self.threads = threads
        self.binarisation = binarisation
        self.dataSHA256 = dataSHA256
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
        self.finalTrainNegativeELBO = finalTrainNegativeELBO
        self.finalTestNegativeELBO = finalTestNegativeELBO
    }
}

/// The provenance of imported weights: the file, exactly, and how it was read.
public struct ImportRecord: Codable, Sendable, Equatable {
    public var command: String
    /// The file's name as given, and the SHA-256 hex of its bytes.
    public var file: String
    public var sha256: String
    /// "ours", "pytorch-examples", or the mapping file's name.
    public var layout: String
    /// SHA-256 hex of the mapping file, when the layout is one.
    public var mappingSHA256: String?
    public var orientation: TensorLayout.Orientation
    /// Each of the ten roles' tensor name in the file, by role (`TensorLayout.Role`).
    public var tensors: [String: String]

    public init(command: String, file: String, sha256: String, layout: String, mappingSHA256: String?,
                orientation: TensorLayout.Orientation, tensors: [String: String]) {
        self.command = command
        self.file = file
        self.sha256 = sha256
        self.layout = layout
        self.mappingSHA256 = mappingSHA256
        self.orientation = orientation
        self.tensors = tensors
    }
}

/// Test-set figures in nats, measured by `vaedyn eval`.
public struct ModelMetrics: Codable, Sendable, Equatable {
    public var testImages: Int
    public var evaluationSeed: UInt64
    public var negativeELBO: Double
    public var importanceSamples: Int
    public var negativeLogLikelihood: Double
    /// Latent units whose encoder mean varies across the test set (Cov > 0.01, Burda et al.).
    public var activeUnits: Int
    /// Those units' indices, in increasing order: the subspace the control points of the
    /// dynamics lie in. Absent in files evaluated before controls existed.
    public var activeUnitIndices: [Int]?
    /// Negative ELBO of the first 100 test images alone (the test suite's fixture), with the
    /// same binarisation and noise: the test suite recomputes it from the committed file.
    public var fixtureNegativeELBO: Double

    public init(testImages: Int, evaluationSeed: UInt64, negativeELBO: Double, importanceSamples: Int,
                negativeLogLikelihood: Double, activeUnits: Int, activeUnitIndices: [Int]? = nil, fixtureNegativeELBO: Double) {
        self.activeUnitIndices = activeUnitIndices
        self.fixtureNegativeELBO = fixtureNegativeELBO
        self.testImages = testImages
        self.evaluationSeed = evaluationSeed
        self.negativeELBO = negativeELBO
        self.importanceSamples = importanceSamples
        self.negativeLogLikelihood = negativeLogLikelihood
        self.activeUnits = activeUnits
    }
}

/// A concept: a point in latent space standing for a group of data (a class, a group of
/// classes, all data). Concepts form a tree through `parent`, its levels named by
/// `ModelDescription.conceptLevels`.
public struct ConceptInfo: Codable, Sendable, Equatable {
    public var id: String
    public var label: String
    public var level: String
    public var parent: String?
    /// Number of training images whose encoder means were averaged (for a class), of child
    /// concepts (a group), or of class concepts (the root: the mean of the class concepts).
    public var count: Int

    public init(id: String, label: String, level: String, parent: String?, count: Int) {
        self.id = id
        self.label = label
        self.level = level
        self.parent = parent
        self.count = count
    }
}

public struct ExemplarInfo: Codable, Sendable, Equatable {
    public var label: Int
    /// Index of the image in the test set it was taken from.
    public var testIndex: Int

    public init(label: Int, testIndex: Int) {
        self.label = label
        self.testIndex = testIndex
    }
}
