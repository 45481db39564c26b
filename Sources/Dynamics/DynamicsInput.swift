import VAE

/// The image a run starts from, before binarisation and noise.
public struct DynamicsInput: Sendable {
    /// Grey levels, one byte a pixel (0 = background), as MNIST stores them.
    public let pixels: [UInt8]
    /// Index into the model's class names, when known; needed for the class concept of a sweep.
    public let label: Int?
    /// Where it came from, copied into the records.
    public let info: InputInfo

    public init(pixels: [UInt8], label: Int?, info: InputInfo) {
        self.pixels = pixels
        self.label = label
        self.info = info
    }

    /// The `index`-th exemplar of class `label` stored in the model file (the model's
    /// exemplars are the first test images of each class, so this is also the
    /// `index`-th test image of that class).
    public static func exemplar(of model: DynamicsModel, label: Int, index: Int) throws -> DynamicsInput {
        let rows = model.bundle.description.exemplars.indices.filter { model.bundle.description.exemplars[$0].label == label }
        guard index >= 0, index < rows.count else {
            throw DynamicsError("the model stores \(rows.count) exemplars of class \(label); index \(index) is out of range")
        }
        let row = rows[index]
        let e = model.bundle.description.exemplars[row]
        return DynamicsInput(pixels: model.bundle.exemplarPixels[row], label: label,
                             info: InputInfo(source: "exemplar", label: label, classIndex: index, testIndex: e.testIndex))
    }

    /// Every exemplar of the model, class by class, at most `perClass` of each (nil: all).
    public static func exemplars(of model: DynamicsModel, labels: [Int], perClass: Int?) throws -> [DynamicsInput] {
        var inputs: [DynamicsInput] = []
        for label in labels {
            let stored = model.bundle.description.exemplars.filter { $0.label == label }.count
            guard stored > 0 else { throw DynamicsError("the model stores no exemplars of class \(label)") }
            let count = perClass ?? stored
            guard count <= stored else { throw DynamicsError("the model stores \(stored) exemplars of class \(label), not \(count)") }
            for i in 0..<count { inputs.append(try exemplar(of: model, label: label, index: i)) }
        }
        return inputs
    }

    /// The `index`-th image of class `label` in a test set, or with `label` nil the image
    /// at position `index`.
    public static func testImage(_ set: ImageSet, label: Int?, index: Int) throws -> DynamicsInput {
        let position: Int
        if let label {
            let rows = set.indices(ofLabel: label)
            guard index >= 0, index < rows.count else { throw DynamicsError("the test set has \(rows.count) images of class \(label); index \(index) is out of range") }
            position = rows[index]
        } else {
            guard index >= 0, index < set.count else { throw DynamicsError("the test set has \(set.count) images; index \(index) is out of range") }
            position = index
        }
        let n = set.pixelsPerImage
        let l = Int(set.labels[position])
        return DynamicsInput(pixels: Array(set.pixels[position * n..<(position + 1) * n]), label: l,
                             info: InputInfo(source: "test", label: l, classIndex: label == nil ? nil : index, testIndex: position))
    }
}

/// Where an input came from.
public struct InputInfo: Codable, Sendable, Equatable {
    /// "exemplar" (stored in the model file), "test" (the test set) or "image" (given by the caller).
    public var source: String
    public var label: Int?
    /// Position among the images of its class.
    public var classIndex: Int?
    /// Position in the test set.
    public var testIndex: Int?

    public init(source: String, label: Int?, classIndex: Int? = nil, testIndex: Int? = nil) {
        self.source = source
        self.label = label
        self.classIndex = classIndex
        self.testIndex = testIndex
    }
}
