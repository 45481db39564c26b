import HTTP
import Service
import XCTest

/// Bodies the JSON fuzzer (JSONFuzz) found mishandled, decoded as POST /dynamics and /sweep
/// decode them, against the committed model and the default limits.
final class RequestDecodingTests: XCTestCase {
    static let service: VaedynService = {
        var settings = ServiceSettings()
        settings.modelFiles = [SettingsTests.root.appendingPathComponent("models/mnist-default.vaem").path]
        return try! VaedynService(settings: settings)
    }()

    func request(_ route: String, _ body: String) -> HTTPRequest {
        HTTPRequest(method: .post, target: route, path: route, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
    }

    func assertFieldError(_ field: String, _ decode: @autoclosure () throws -> Any, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(), file: file, line: line) {
            XCTAssertEqual(($0 as? FieldError)?.field, field, "\($0)", file: file, line: line)
        }
    }

    func testNoiseWithoutAKindIsAFieldError() {
        // An empty noise string used to trap on an index out of range, taking the server down.
        for noise in ["", ":"] {
            let body = #"{"image": {"exemplar": {"digit": 6}}, "noise": "\#(noise)"}"#
            assertFieldError("noise.kind", try DynamicsRequest(request("/dynamics", body), model: Self.service.model, limits: ComputeLimits()))
            assertFieldError("noise.kind", try SweepRequest(request("/sweep", body), model: Self.service.model, limits: ComputeLimits()))
        }
    }
}
