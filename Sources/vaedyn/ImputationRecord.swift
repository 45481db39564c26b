import Dynamics

/// One line of an imputation results file (`vaedyn impute`): the curve of one (mask,
/// kernel) over the steps, or the stages reached against the fraction of pixels hidden.
/// `ImputationReport` documents each measure.
struct ImputationRecord: Codable, Equatable {
    enum Kind: String, Codable { case curve, stages }

    var kind: Kind
    var model: String
    var kernel: String
    var settings: ImputationSettings
    var seconds: Double

    /// curve: the mask as requests name it, the pixels it hides, and a score per step t = 0...T.
    var mask: String?
    var hiddenPixels: Int?
    var scores: [ImputationScore]?

    /// stages: the fractions hidden (random masks), the concept tree's levels, and
    /// stageCounts[fraction][stage - 1] over the inputs.
    var fractions: [Float]?
    var levels: [String]?
    var stageCounts: [[Int]]?
    /// stages[input][fraction], nil where the input has no stage.
    var stages: [[Int?]]?
}

/// What every line of one results file shares.
struct ImputationSettings: Codable, Equatable {
    /// curves: the first N test images, `trials` chains each, steps 0...`steps`.
    var images: Int
    var trials: Int
    var steps: Int
    /// stages: the first `perClass` test images of each class, `stageTrials` chains of `stageSteps` steps.
    var perClass: Int
    var stageTrials: Int
    var stageSteps: Int
    var seed: UInt64
}
