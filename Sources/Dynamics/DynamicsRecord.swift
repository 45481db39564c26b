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
    ///
    /// Never traps. A run ends with an error record as soon as its distances stop being
    /// finite, but other numbers (a standard error or a projection that overflowed, a NaN
    /// pixel of a mean image) can still be NaN or infinite, which JSON cannot write: each
    /// such number is written as `null`, the rest of the record as usual. Only these
    /// numbers make JSONEncoder throw, so the record is never lost for them.
    public func jsonLine() -> Data {
        var data: Data
        do { data = try Self.encoder(nonFinite: nil).encode(self) } catch { data = nullingNonFinite() }
        data.append(0x0A)
        return data
    }

    private static func encoder(nonFinite token: String?) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let token { encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: token, negativeInfinity: token, nan: token) }
        return encoder
    }

    /// The record with every non-finite number as `null`: encoded with those numbers as a
    /// string token that no other string of the record can be (a fresh random UUID), then
    /// each quoted token replaced by `null`.
    private func nullingNonFinite() -> Data {
        let token = "non-finite-\(UUID().uuidString)"
        guard let encoded = try? Self.encoder(nonFinite: token).encode(self) else { return unencodable() }
        let quoted = Array("\"\(token)\"".utf8), null = Array("null".utf8)
        let bytes = [UInt8](encoded)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == quoted[0], i + quoted.count <= bytes.count, bytes[i..<(i + quoted.count)].elementsEqual(quoted) {
                out += null
                i += quoted.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return Data(out)
    }

    /// What stands for a record that cannot be encoded at all (nothing but a non-finite
    /// number can make the encoder throw, so this is not expected to be reached).
    private func unencodable() -> Data {
        let (model, type): (String, String)
        switch self {
        case .start(let r): (model, type) = (r.model, r.type)
        case .step(let r): (model, type) = (r.model, r.type)
        case .point(let r): (model, type) = (r.model, r.type)
        case .summary(let r): (model, type) = (r.model, r.type)
        case .error(let r): (model, type) = (r.model, r.type)
        }
        let record = DynamicsRecord.error(ErrorRecord(model: model, message: "a \(type) record could not be encoded as JSON"))
        return (try? Self.encoder(nonFinite: nil).encode(record)) ?? Data(#"{"message":"a record could not be encoded as JSON","type":"error"}"#.utf8)
    }
}
