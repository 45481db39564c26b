import Dynamics

/// docs/records.md's table of the start record's `parameters`, written from
/// RunParameter.all as requests take them (RequestParameters). It sits between two marker
/// comments, so that `vaedyn parameters docs/records.md` rewrites it in place; a test fails
/// when the file's table is not this one.
public enum ParameterDocumentation {
    public static let begin = "<!-- run parameters: written by `vaedyn parameters docs/records.md` from Sources/Dynamics/RunParameterTable.swift; edit that, not this -->"
    public static let end = "<!-- end of run parameters -->"

    public static var table: String {
        let rows = RunParameter.all.map { p in
            "| `\(p.name)` | \(type(p.kind)) | \(values(p)) | \(defaultText(p)) | \(meaning(p)) |"
        }
        return (["| field | type | values | default | meaning |", "|---|---|---|---|---|"] + rows).joined(separator: "\n")
    }

    /// `document` with the text between the markers replaced by the table; nil without both markers.
    public static func updating(_ document: String) -> String? {
        guard let start = document.range(of: begin), let stop = document.range(of: end, range: start.upperBound..<document.endIndex) else {
            return nil
        }
        return String(document[..<start.upperBound]) + "\n" + table + "\n" + String(document[stop.lowerBound...])
    }

    private static func type(_ kind: RunParameter.Kind) -> String {
        switch kind {
        case .integer: "int"
        case .boolean: "bool"
        case .choice: "string"
        case .noise: "object"
        case .window: "object or absent"
        case .mask: "string, [int] or absent"
        }
    }

    private static func values(_ p: RunParameter) -> String {
        switch p.kind {
        case .integer(let range):
            "\(range.lowerBound)...\(range.upperBound)" + (p.limit.map { "; a request at most `\($0.rawValue)`, which also caps its default" } ?? "")
        case .boolean: "`true`, `false`"
        case .choice(let choices): choices.map { "`\($0)`" }.joined(separator: ", ")
        case .noise: "`kind`: " + NoiseModel.Kind.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ") + "; `ratio`: 0...1"
        case .window: "0 <= `from` <= `to` <= `steps`"
        case .mask: "a mask name, or pixel indices 0...D-1; hides at least one pixel"
        }
    }

    private static func defaultText(_ p: RunParameter) -> String {
        p.defaultValue.json.map { "`\($0)`" } ?? "absent"
    }

    private static func meaning(_ p: RunParameter) -> String {
        let refused = RunParameter.Experiment.allCases.filter { !RequestParameters.takes(p, in: $0) }
        guard let first = refused.first else { return p.meaning }
        let who = refused.count == RunParameter.Experiment.allCases.count ? "A request" : "A \(first.rawValue) request"
        return p.meaning + ". \(who) takes only the default: it \(RequestParameters.refusal(p, in: first))"
    }
}
