import Dynamics
import Foundation
import VAE
import XCTest

/// A record holding NaN or an infinity is written (those numbers as null), never a trap;
/// the engine refuses a model built in memory that a load would refuse.
final class RecordEncodingTests: XCTestCase {
    func stepRecord() throws -> StepRecord {
        let json = #"{"type":"step","model":"m","t":3,"distance":[1.5,2.5,3.5],"standardError":[0.25,0.5,0.75],"nearest":"all","classShares":[0.5,0.5],"norm":{"mean":4.5,"standardError":0.25},"controlDistance":[1.25,2.75,3.25],"projection":{"mean":[0,1],"trials":[[2,3]]}}"#
        return try JSONDecoder().decode(StepRecord.self, from: Data(json.utf8))
    }

    func parse(_ line: Data) throws -> [String: Any] {
        XCTAssertEqual(line.last, 0x0A, "a record line ends with a newline")
        XCTAssertEqual(line.filter { $0 == 0x0A }.count, 1, "a record is one line")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: line.dropLast()) as? [String: Any])
    }

    func testNonFiniteNumbersAreWrittenAsNull() throws {
        var record = try stepRecord()
        record.distance[1] = .nan
        record.standardError = [.infinity, 0.5, -.infinity]
        record.projection?.mean[0] = .nan
        record.projection?.trials[0][1] = .infinity
        let object = try parse(DynamicsRecord.step(record).jsonLine())
        let distance = try XCTUnwrap(object["distance"] as? [Any])
        XCTAssertEqual(distance.count, 3)
        XCTAssertEqual(distance[0] as? Double, 1.5)
        XCTAssertTrue(distance[1] is NSNull, "\(distance[1])")
        XCTAssertEqual(distance[2] as? Double, 3.5)
        let standardError = try XCTUnwrap(object["standardError"] as? [Any])
        XCTAssertTrue(standardError[0] is NSNull && standardError[2] is NSNull, "\(standardError)")
        XCTAssertEqual(standardError[1] as? Double, 0.5)
        let projection = try XCTUnwrap(object["projection"] as? [String: Any])
        XCTAssertTrue((projection["mean"] as? [Any])?.first is NSNull)
        XCTAssertTrue(((projection["trials"] as? [[Any]])?.first?[1]) is NSNull)
        XCTAssertEqual(object["nearest"] as? String, "all")
        XCTAssertEqual(object["type"] as? String, "step")
        XCTAssertEqual(object["t"] as? Int, 3)
    }

    func testNullingDoesNotTouchStringsAndKeepsKeysSorted() throws {
        var record = try stepRecord()
        // A string that looks like what a non-finite number becomes on the way must survive.
        record.nearest = "non-finite-null"
        record.model = "\"null\""
        record.distance[0] = -.infinity
        let line = DynamicsRecord.step(record).jsonLine()
        let object = try parse(line)
        XCTAssertEqual(object["nearest"] as? String, "non-finite-null")
        XCTAssertEqual(object["model"] as? String, "\"null\"")
        let text = String(decoding: line, as: UTF8.self)
        let keys = ["classShares", "controlDistance", "distance", "model", "nearest", "norm", "projection", "standardError", "t", "type"]
        let positions = keys.map { text.range(of: "\"\($0)\":", options: .backwards)!.lowerBound }  // the last: "standardError" is also inside "norm"
        XCTAssertEqual(positions, positions.sorted(), text)
    }

    func testFiniteRecordIsUnchangedAndStillDecodes() throws {
        let record = DynamicsRecord.step(try stepRecord())
        let line = record.jsonLine()
        XCTAssertEqual(try JSONDecoder().decode(DynamicsRecord.self, from: line.dropLast()), record)
        XCTAssertFalse(String(decoding: line, as: UTF8.self).contains("null"))
    }

    func testNonFiniteSummaryAndPointRecordsAreWritten() throws {
        let summary = try JSONDecoder().decode(SummaryRecord.self, from: Data(#"{"type":"summary","model":"m","done":true,"completed":2,"minimum":[1,2],"minimumStep":[0,1]}"#.utf8))
        var s = summary
        s.minimum = [.nan, .nan]
        let object = try parse(DynamicsRecord.summary(s).jsonLine())
        XCTAssertEqual((object["minimum"] as? [Any])?.allSatisfy { $0 is NSNull }, true)
        XCTAssertEqual(object["completed"] as? Int, 2)
    }

    // MARK: Constants that used to be try!

    func testDefaultNoisePassesTheCheckItSkips() throws {
        let noise = DynamicsParameters().noise
        let checked = try NoiseModel(kind: noise.kind, ratio: noise.ratio)
        XCTAssertEqual(checked, noise)
        XCTAssertEqual(noise.description, "replace:0.2")
        XCTAssertNoThrow(try DynamicsParameters().validate())
    }

    // MARK: Bundles built in memory

    func testEngineRefusesANonFiniteConceptBuiltInMemory() throws {
        let model = try TestModels.synthetic()
        var bundle = model.bundle
        bundle.conceptVectors[3][1] = .nan
        XCTAssertThrowsError(try DynamicsModel(bundle: bundle)) { error in
            XCTAssertTrue("\(error)".contains("tensor 'concepts'") && "\(error)".contains("class-3"), "\(error)")
        }
        bundle = model.bundle
        bundle.projectionAxes[1] = [1, 2]
        XCTAssertThrowsError(try DynamicsModel(bundle: bundle)) { error in
            XCTAssertTrue("\(error)".contains("projection_axes"), "\(error)")
        }
        bundle = model.bundle
        bundle.exemplarPixels.removeLast()
        XCTAssertThrowsError(try DynamicsModel(bundle: bundle)) { error in
            XCTAssertTrue("\(error)".contains("exemplars"), "\(error)")
        }
    }

    func testEngineRefusesAConceptNamedSelf() throws {
        var bundle = try TestModels.synthetic().bundle
        bundle.description.concepts[0].id = "self"
        XCTAssertThrowsError(try DynamicsModel(bundle: bundle)) { error in
            XCTAssertTrue("\(error)".contains("'self'"), "\(error)")
        }
    }
}
