import Foundation

/// One parameter of a run, defined once: the name the start record echoes and that
/// requests and command-line options take, its JSON kind and range, and what it means. Its
/// default is DynamicsParameters' own. The service's request decoder and OpenAPI document,
/// the command line's options and the table in docs/records.md are generated from or
/// checked against `RunParameter.all`.
public struct RunParameter: Sendable {
    /// The JSON form of a value, and the values allowed.
    public enum Kind: Sendable, Equatable {
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        case boolean
        /// One of these strings.
        case choice([String])
        /// `{"kind", "ratio"}`: a NoiseModel.
        case noise
        /// `{"from", "to"}`: a StepWindow; absent for every step.
        case window
        /// A named mask, or a list of pixel indices (ImputationMask.Form); absent for none.
        case mask
    }

    /// A parameter's value, as DynamicsParameters holds it.
    public enum Value: Sendable, Equatable {
        case integer(Int)
        case boolean(Bool)
        case choice(String)
        case noise(NoiseModel)
        case window(StepWindow?)
        case mask(ImputationMask.Form?)
    }

    /// The runs a parameter can change.
    public enum Experiment: String, Sendable, CaseIterable {
        case dynamics, sweep
    }

    /// A setting of the server (config/README.md) that lowers the top of a range, and a
    /// default above it, in requests to that server.
    public enum Limit: String, Sendable {
        case maxSteps = "limits.maxSteps"
        case maxTrials = "limits.maxTrials"
    }

    public let name: String
    public let kind: Kind
    public let limit: Limit?
    /// Where it applies; the other experiment runs with, and echoes, its default.
    public let experiments: Set<Experiment>
    /// Only a caller that loads the training set can set it (a server that does not keeps the default).
    public let needsTrainingSet: Bool
    /// One line for docs/records.md and the OpenAPI document.
    public let meaning: String
    private let read: @Sendable (DynamicsParameters) -> Value
    /// False when the value is of another kind (or not one of the choices).
    private let write: @Sendable (inout DynamicsParameters, Value) -> Bool

    init(_ name: String, _ kind: Kind, limit: Limit? = nil, experiments: Set<Experiment> = [.dynamics, .sweep], needsTrainingSet: Bool = false,
         meaning: String, read: @escaping @Sendable (DynamicsParameters) -> Value,
         write: @escaping @Sendable (inout DynamicsParameters, Value) -> Bool) {
        self.name = name
        self.kind = kind
        self.limit = limit
        self.experiments = experiments
        self.needsTrainingSet = needsTrainingSet
        self.meaning = meaning
        self.read = read
        self.write = write
    }

    public func value(in parameters: DynamicsParameters) -> Value { read(parameters) }

    /// Throws DynamicsError on a value of another kind or outside the choices.
    public func set(_ value: Value, in parameters: inout DynamicsParameters) throws {
        guard write(&parameters, value) else { throw DynamicsError("\(name) cannot be \(value)") }
    }

    public var defaultValue: Value { read(DynamicsParameters()) }

    public static func named(_ name: String) -> RunParameter? { all.first { $0.name == name } }
}

extension RunParameter.Value {
    /// The value as the start record writes it; nil for an absent window or mask.
    public var json: String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data?
        switch self {
        case .integer(let i): data = try? encoder.encode(i)
        case .boolean(let b): data = try? encoder.encode(b)
        case .choice(let s): data = try? encoder.encode(s)
        case .noise(let n): data = try? encoder.encode(n)
        case .window(let w): data = w.flatMap { try? encoder.encode($0) }
        case .mask(let m): data = m.flatMap { try? encoder.encode($0) }
        }
        return data.map { String(decoding: $0, as: UTF8.self) }
    }
}
