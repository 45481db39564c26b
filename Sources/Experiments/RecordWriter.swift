import Dynamics
import Foundation

/// Writes records as NDJSON, or as CSV rows (one per step or point, with a header built
/// from the start record's references), each line handed to `out` as bytes.
public final class RecordWriter {
    public enum Format: String, CaseIterable, Codable { case ndjson, csv }

    private let format: Format
    private let out: (Data) -> Void
    private var references: [String] = []
    private var classes: [String] = []
    private var labels: [String] = []

    public init(format: Format, to out: @escaping (Data) -> Void) {
        self.format = format
        self.out = out
    }

    public func write(_ record: DynamicsRecord) {
        switch format {
        case .ndjson: out(record.jsonLine())
        case .csv: if let line = csvLine(record) { out(Data((line + "\n").utf8)) }
        }
    }

    private func csvLine(_ record: DynamicsRecord) -> String? {
        switch record {
        case .start(let s):
            references = s.references.map(\.id)
            classes = s.classReferences
            labels = s.inputs.map { $0.label.map(String.init) ?? "" }
            if s.experiment == "sweep" {
                return (["input", "label", "ratio", "stage", "stage_reference", "stage_level", "stage_support", "stage_decided"]
                    + references.flatMap { ["min_\($0)", "t_\($0)"] }).joined(separator: ",")
            }
            // Then the state's norm and each reference's control distance (docs/records.md, "Controls").
            return (["t", "nearest"] + references.flatMap { ["d_\($0)", "se_\($0)"] } + classes.map { "share_\($0)" } + ["norm"]
                + references.map { "c_\($0)" }).joined(separator: ",")
        case .step(let s):
            var fields = ["\(s.t)", s.nearest]
            for r in references.indices { fields += ["\(s.distance[r])", s.standardError.map { "\($0[r])" } ?? ""] }
            return (fields + s.classShares.map { "\($0)" } + ["\(s.norm.mean)"] + s.controlDistance.map { "\($0)" }).joined(separator: ",")
        case .point(let p):
            var fields = ["\(p.input)", labels[p.input], "\(p.ratio)", p.stage.map(String.init) ?? "", p.stageReference ?? "", p.stageLevel ?? "",
                          p.stageSupport.map { "\($0)" } ?? "", p.stageDecided.map { "\($0)" } ?? ""]
            for r in references.indices { fields += ["\(p.minimum[r])", "\(p.minimumStep[r])"] }
            return fields.joined(separator: ",")
        case .summary, .error:
            return nil
        }
    }
}
