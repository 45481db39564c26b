import Foundation

/// Any record of the NDJSON stream, tagged by its `type` field.
public enum DynamicsRecord: Codable, Sendable, Equatable {
    case start(StartRecord)
    case step(StepRecord)
    case point(PointRecord)
    case summary(SummaryRecord)
    case error(ErrorRecord)

    private enum TypeKey: String, CodingKey { case type }

    public init(from decoder: Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "start": self = .start(try StartRecord(from: decoder))
        case "step": self = .step(try StepRecord(from: decoder))
        case "point": self = .point(try PointRecord(from: decoder))
        case "summary": self = .summary(try SummaryRecord(from: decoder))
        case "error": self = .error(try ErrorRecord(from: decoder))
        default: throw DecodingError.dataCorruptedError(forKey: .type, in: try decoder.container(keyedBy: TypeKey.self),
                                                        debugDescription: "unknown record type '\(type)'")
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .start(let r): try r.encode(to: encoder)
        case .step(let r): try r.encode(to: encoder)
        case .point(let r): try r.encode(to: encoder)
        case .summary(let r): try r.encode(to: encoder)
        case .error(let r): try r.encode(to: encoder)
        }
    }

    /// One NDJSON line (with its newline); keys sorted so that equal records are equal bytes.
    public func jsonLine() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Records hold only finite numbers (runs fail with an error record first), so this cannot throw.
        var data = try! encoder.encode(self)
        data.append(0x0A)
        return data
    }
}
