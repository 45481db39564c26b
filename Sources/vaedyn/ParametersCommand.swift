import Experiments
import ArgumentParser
import Foundation
import Service

/// Maintenance: writes docs/records.md's table of run parameters from RunParameter.all.
struct ParametersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parameters",
        abstract: "Print the Markdown table of run parameters, or rewrite it in FILE between its marker comments.",
        shouldDisplay: false)

    @Argument(help: "A Markdown file holding the table between its markers (docs/records.md).") var file: String?

    func run() throws {
        guard let file else { return print(ParameterDocumentation.table) }
        let url = URL(fileURLWithPath: file)
        let text = try reporting(file) { try String(contentsOf: url, encoding: .utf8) }
        guard let updated = ParameterDocumentation.updating(text) else {
            throw CLIError("\(file): no table between \(ParameterDocumentation.begin) and \(ParameterDocumentation.end)")
        }
        try reporting(file) { try updated.write(to: url, atomically: true, encoding: .utf8) }
    }
}
