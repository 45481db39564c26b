import Experiments
import Foundation
import XCTest

/// Every committed report is what its committed results file gives, byte for byte: the
/// reports are never edited by hand, and a change to a report's code shows here.
final class CommittedReportTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func committed(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func testTheStudyReportRegeneratesFromItsResults() throws {
        let results = "docs/study/results.jsonl"
        let records = try ResultsFile.read(StudyRecord.self, root.appendingPathComponent(results).path)
        XCTAssertGreaterThan(records.count, 0)
        XCTAssertEqual(try StudyReport(records: records, results: results).markdown(), try committed("docs/study.md"))
    }

    func testTheImputationReportRegeneratesFromItsResults() throws {
        let results = "docs/imputation/results.jsonl"
        let records = try ResultsFile.read(ImputationRecord.self, root.appendingPathComponent(results).path)
        XCTAssertGreaterThan(records.count, 0)
        XCTAssertEqual(try ImputationReport(records: records, results: results).markdown(), try committed("docs/imputation.md"))
    }

    /// The typed records read every line of the committed results files and write it again
    /// to the same bytes: their JSON is the files' format, not an accident of the types.
    func testTheCommittedResultsFilesReadAndWriteBackToTheirBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func roundTrip<Record: Codable>(_ type: Record.Type, _ path: String) throws {
            let copy = folder.appendingPathComponent(path.replacingOccurrences(of: "/", with: "-")).path
            try ResultsFile.create(try ResultsFile.read(type, root.appendingPathComponent(path).path), at: copy)
            XCTAssertEqual(try String(contentsOfFile: copy, encoding: .utf8), try committed(path), path)
        }
        try roundTrip(ImputationRecord.self, "docs/imputation/results.jsonl")
        try roundTrip(StudyRecord.self, "docs/study/results.jsonl")
    }
}
