import Dynamics
import Foundation
import HTTP
import Imaging
import Service
import XCTest

/// The request decoder, the OpenAPI document and docs/records.md against RunParameter.all
/// and against each other: a start record's `parameters` posted back decode to the same
/// run, every field the document lists is taken as it says, and nothing else is.
final class ParameterContractTests: XCTestCase {
    let model = RequestDecodingTests.service.model
    static var exemplar: [String: Any] { ["exemplar": ["digit": 6]] }

    func decode(_ route: String, _ fields: [String: Any], limits: ComputeLimits = ComputeLimits()) throws -> DynamicsParameters {
        var body = fields
        if body["image"] == nil && body["population"] == nil { body["image"] = Self.exemplar }
        let data = try JSONSerialization.data(withJSONObject: body)
        let request = HTTPRequest(method: .post, target: route, path: route, headers: ["Content-Type": "application/json"], body: Array(data))
        if route == "/sweep" { return try SweepRequest(request, model: model, limits: limits).parameters }
        return try DynamicsRequest(request, model: model, limits: limits).parameters
    }

    /// `parameters` as a start record writes them.
    func echo(_ p: DynamicsParameters) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(p)) as? [String: Any])
    }

    func assertFieldError(_ field: String, _ decode: @autoclosure () throws -> Any, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(), file: file, line: line) {
            XCTAssertEqual(($0 as? FieldError)?.field, field, "\($0)", file: file, line: line)
        }
    }

    func testARecordsParametersPostedBackDecodeToTheSameRun() throws {
        // A start record's `parameters`, away from the defaults (DynamicsTests checks what each name sets).
        let echoed = #"""
        {"steps": 12, "trials": 34, "seed": 56, "noise": {"kind": "salt-pepper", "ratio": 0.35}, "binarize": false, "x": "mean",
         "z": "sample", "kernel": "clamped", "mask": [3, 40, 41], "measure": "sample", "metric": "cosine", "aggregate": "state", "window": {"from": 3, "to": 9},
         "meanImage": true, "projection": true, "memory": false, "contrast": false}
        """#
        var p = try JSONDecoder().decode(DynamicsParameters.self, from: Data(echoed.utf8))
        XCTAssertEqual(try decode("/dynamics", XCTUnwrap(try JSONSerialization.jsonObject(with: Data(echoed.utf8)) as? [String: Any])), p)
        // What a sweep runs with and echoes: no step records, the ratio from the grid.
        p.meanImage = false
        p.projection = false
        p.noise.ratio = 0
        XCTAssertEqual(try decode("/sweep", echo(p).merging(["ratios": [0.1, 0.2]]) { a, _ in a }), p)
    }

    /// The issue's bug: these names came back 422 ("is not a known field").
    func testARequestTakesTheEchoedNames() throws {
        let p = try decode("/dynamics", ["x": "mean", "z": "mean", "aggregate": "state", "noise": ["kind": "flip", "ratio": 0.1]])
        XCTAssertEqual(p.image, .mean)
        XCTAssertEqual(p.latent, .mean)
        XCTAssertEqual(p.aggregation, .state)
        XCTAssertEqual(p.noise, try NoiseModel(kind: .flip, ratio: 0.1))
        for old in ["latent", "aggregation"] { assertFieldError(old, try decode("/dynamics", [old: "mean"])) }
    }

    /// What a parameter cannot go without: an imputation kernel needs a mask, a mask such a kernel.
    nonisolated(unsafe) static let companions: [String: (name: String, value: Any, set: (inout DynamicsParameters) throws -> Void)] = [
        "kernel": ("mask", "top-half", { $0.mask = .named("top-half") }),
        "mask": ("kernel", "clamped", { $0.kernel = .clamped }),
    ]

    func testEveryParameterIsReadByItsNameAlone() throws {
        for parameter in RunParameter.all where !parameter.needsTrainingSet {
            let value = try XCTUnwrap(Self.otherThanDefault(parameter), parameter.name)
            var expected = DynamicsParameters()
            try parameter.set(value, in: &expected)
            let given = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(XCTUnwrap(value.json).utf8), options: .fragmentsAllowed))
            var fields: [String: Any] = [parameter.name: given]
            if let companion = Self.companions[parameter.name] {
                fields[companion.name] = companion.value
                try companion.set(&expected)
            }
            XCTAssertEqual(try decode("/dynamics", fields), expected, parameter.name)
        }
    }

    /// A value of the parameter's kind that is not its default (and fits the default limits).
    static func otherThanDefault(_ parameter: RunParameter) throws -> RunParameter.Value? {
        switch parameter.defaultValue {
        case .integer(let i): return .integer(i + 1)
        case .boolean(let b): return .boolean(!b)
        case .choice(let c):
            guard case .choice(let choices) = parameter.kind else { return nil }
            return choices.first { $0 != c }.map { .choice($0) }
        case .noise(let n): return .noise(try NoiseModel(kind: n.kind == .gaussian ? .flip : .gaussian, ratio: 0.5))
        case .window: return .window(try StepWindow(from: 1, to: 2))
        case .mask: return .mask(.named("random:0.25:7"))
        }
    }

    func testAParameterAnEndpointDoesNotSetIsTakenOnlyAtTheValueItRunsWith() throws {
        XCTAssertEqual(try decode("/dynamics", ["memory": false]), DynamicsParameters())
        assertFieldError("memory", try decode("/dynamics", ["memory": true]))
        assertFieldError("meanImage", try decode("/sweep", ["meanImage": true]))
        assertFieldError("noise.ratio", try decode("/sweep", ["noise": ["kind": "flip", "ratio": 0.3]]))
        assertFieldError("noise.p", try decode("/sweep", ["noise": ["model": "flip", "p": 0.3]]))
        XCTAssertEqual(try decode("/sweep", ["noise": "flip"]).noise, try NoiseModel(kind: .flip, ratio: 0))
        XCTAssertEqual(try decode("/sweep", [:]).noise.ratio, 0, "a sweep echoes ratio 0, whatever the dynamics default")
    }

    func testTheServersLimitsLowerTheRangesAndTheDefaults() throws {
        var limits = ComputeLimits()
        limits.maxSteps = 7
        limits.maxTrials = 3
        let p = try decode("/dynamics", [:], limits: limits)
        XCTAssertEqual([p.steps, p.trials], [7, 3])
        assertFieldError("steps", try decode("/dynamics", ["steps": 8], limits: limits))
        assertFieldError("trials", try decode("/dynamics", ["trials": 4], limits: limits))
    }

    func testTheAliasesGiveWhatTheEchoedFormsGive() throws {
        let echoed = try decode("/dynamics", ["noise": ["kind": "salt-pepper", "ratio": 0.3], "window": ["from": 1, "to": 2]])
        XCTAssertEqual(echoed.noise, try NoiseModel(kind: .saltPepper, ratio: 0.3))
        XCTAssertEqual(echoed.window, try StepWindow(from: 1, to: 2))
        XCTAssertEqual(try decode("/dynamics", ["noise": "salt-pepper:0.3", "window": "1:2"]), echoed)
        XCTAssertEqual(try decode("/dynamics", ["noise": ["model": "salt-pepper", "p": 0.3], "window": "1:2"]), echoed)
        assertFieldError("noise.kind", try decode("/dynamics", ["noise": ["kind": "salt-pepper", "p": 0.3]]))
    }

    // MARK: the OpenAPI document

    /// The served text; a document that does not parse fails every test below.
    static var document: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))) as? [String: Any] ?? [:]
    }

    static func object(_ value: Any?, _ path: String...) -> [String: Any] {
        path.reduce(value as? [String: Any] ?? [:]) { $0[$1] as? [String: Any] ?? [:] }
    }

    /// A request schema's properties, ChainOptions' included.
    static func properties(_ schema: String) -> [String: [String: Any]] {
        let own = object(document, "components", "schemas", schema, "properties")
        let shared = object(document, "components", "schemas", "ChainOptions", "properties")
        return own.merging(shared) { a, _ in a }.compactMapValues { $0 as? [String: Any] }
    }

    func testTheRequestSchemasListExactlyTheFieldsTheDecoderTakes() throws {
        let table = Set(RunParameter.all.map(\.name))
        XCTAssertEqual(Set(Self.properties("DynamicsRequest").keys), table.union(["model", "label", "image"]))
        XCTAssertEqual(Set(Self.properties("SweepRequest").keys), table.union(["model", "label", "image", "population", "noiseGrid", "ratios"]))
        assertFieldError("aggregation", try decode("/dynamics", ["aggregation": "state"]))
    }

    func testEveryDocumentedDefaultConstantAndChoiceIsWhatTheDecoderTakes() throws {
        for (route, schema) in [("/dynamics", "DynamicsRequest"), ("/sweep", "SweepRequest")] {
            let plain = try decode(route, [:])
            for (name, property) in Self.properties(schema) where RunParameter.named(name) != nil {
                let documented = property["default"] ?? property["const"]
                if let documented { XCTAssertEqual(try decode(route, [name: documented]), plain, "\(route) \(name): \(documented)") }
                XCTAssertTrue(documented != nil || name == "window" || name == "mask", "\(route) \(name) documents no default")
                for choice in property["enum"] as? [String] ?? [] {
                    // An imputation kernel needs its mask (testTheKernelRulesAreFieldErrors).
                    let fields: [String: Any] = name == "kernel" && choice != "gibbs" ? [name: choice, "mask": "top-half"] : [name: choice]
                    XCTAssertEqual(try echo(decode(route, fields))[name] as? String, choice, "\(route) \(name)")
                }
            }
        }
    }

    func testTheKernelRulesAreFieldErrors() throws {
        assertFieldError("mask", try decode("/dynamics", ["kernel": "clamped"]))
        assertFieldError("mask", try decode("/dynamics", ["mask": "top-half"]))
        assertFieldError("kernel", try decode("/dynamics", ["kernel": "mwg", "mask": "top-half", "x": "mean"]))
        assertFieldError("kernel", try decode("/dynamics", ["kernel": "mwg", "mask": "top-half", "binarize": false]))
        for bad: Any in ["diagonal", "square:20,20,10,10", [], [784], [1, 1], [true], ["3"], 7, ["png": "not base64!"], ["gif": ""]] {
            XCTAssertThrowsError(try decode("/dynamics", ["kernel": "clamped", "mask": bad]), "\(bad)") {
                XCTAssertTrue((($0 as? FieldError)?.field ?? "").hasPrefix("mask"), "\(bad): \($0)")
            }
        }
        // Named masks echo normalised, lists as given.
        XCTAssertEqual(try decode("/dynamics", ["kernel": "mwg", "mask": "random:0.5"]).mask, .named("random:0.5:1"))
        XCTAssertEqual(try decode("/dynamics", ["kernel": "mwg", "mask": [5, 2]]).mask, .indices([5, 2]))
    }

    func testAMaskImageIsTakenAtItsOwnSizeWhiteWhereHidden() throws {
        var pixels = [UInt8](repeating: 0, count: 784)
        for i in [0, 27, 400] { pixels[i] = 255 }
        let png = try PNGCodec.encodeGrey(GreyImage(width: 28, height: 28, pixels: pixels.map { Float($0) / 255 }))
        let decoded = try decode("/dynamics", ["kernel": "clamped", "mask": ["png": Data(png).base64EncodedString()]])
        XCTAssertEqual(decoded.mask, .indices([0, 27, 400]))
        let small = try PNGCodec.encodeGrey(GreyImage(width: 14, height: 14, pixels: [Float](repeating: 1, count: 196)))
        assertFieldError("mask.png", try decode("/dynamics", ["kernel": "clamped", "mask": ["png": Data(small).base64EncodedString()]]))
    }

    func testEveryDocumentedRangeIsTheDecodersOwn() throws {
        var limits = ComputeLimits()
        limits.maxSteps = .max
        limits.maxTrials = .max
        limits.maxChainSteps = .max
        for (name, property) in Self.properties("DynamicsRequest") where property["type"] as? String == "integer" && RunParameter.named(name) != nil {
            let low = try XCTUnwrap(property["minimum"] as? Int, name), high = try XCTUnwrap(property["maximum"] as? Int, name)
            // Each end alone, the other integers at the lowest, so that the run stays within the budget.
            let least = ["steps": 1, "trials": 1]
            // Beyond the top: the next integer a JSON number (a Double) holds, 2^53 + 2 for the seed.
            let beyond = high + max(1, Int(Double(high).ulp))
            for (value, accepted) in [(low, true), (high, true), (low - 1, false), (beyond, false)] {
                let fields = least.merging([name: value]) { _, given in given }
                if accepted {
                    XCTAssertEqual(try echo(decode("/dynamics", fields, limits: limits))[name] as? Int, value, name)
                } else {
                    assertFieldError(name, try decode("/dynamics", fields, limits: limits))
                }
            }
        }
    }

    func testTheQueryParametersOfDynamicsAreTheTablesAndRawImagesTakeThem() throws {
        let post = Self.object(Self.document, "paths", "/dynamics", "post")
        let names = (post["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(names), Set(RunParameter.all.map(\.name)).union(["stream", "label", "model"]))
        XCTAssertEqual(names.count, Set(names).count, "a query parameter listed twice")
        let content = Self.object(post, "requestBody", "content")
        XCTAssertEqual(Set(content.keys), Set(["application/json", "image/png", "image/x-portable-graymap", "image/x-portable-anymap"]))
        let pgm = Array("P5\n28 28\n255\n".utf8) + (0..<784).map { UInt8($0 % 256) }
        let query = "steps=3&trials=2&seed=4&noise=flip:0.1&binarize=true&x=mean&z=mean&measure=sample&metric=cosine&aggregate=state"
            + "&window=0:2&meanImage=true&projection=true&memory=false&label=3"
        for type in content.keys where type.hasPrefix("image/") && type != "image/png" {
            let request = HTTPRequest(method: .post, target: "/dynamics?" + query, path: "/dynamics", query: query, headers: ["Content-Type": type], body: pgm)
            XCTAssertEqual(try DynamicsRequest(request, model: model, limits: ComputeLimits()).parameters, try decode("/dynamics", [
                "steps": 3, "trials": 2, "seed": 4, "noise": "flip:0.1", "binarize": true, "x": "mean", "z": "mean", "measure": "sample",
                "metric": "cosine", "aggregate": "state", "window": "0:2", "meanImage": true, "projection": true, "memory": false,
            ]), type)
        }
        let jpeg = HTTPRequest(method: .post, target: "/dynamics", path: "/dynamics", headers: ["Content-Type": "image/jpeg"], body: pgm)
        XCTAssertThrowsError(try DynamicsRequest(jpeg, model: model, limits: ComputeLimits())) {
            XCTAssertEqual(($0 as? HTTPError)?.status, .unsupportedMediaType, "\($0)")
        }
    }

    // MARK: docs/records.md

    func testTheDocsTableIsTheGeneratedOne() throws {
        let url = SettingsTests.root.appendingPathComponent("docs/records.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertNotNil(ParameterDocumentation.updating(text), "docs/records.md lost its markers")
        let written = text.components(separatedBy: ParameterDocumentation.begin).last?.components(separatedBy: ParameterDocumentation.end).first
        XCTAssertEqual(written, "\n" + ParameterDocumentation.table + "\n", "docs/records.md's parameter table is stale: run `vaedyn parameters docs/records.md`")
        for parameter in RunParameter.all { XCTAssertTrue(text.contains("| `\(parameter.name)` |"), parameter.name) }
    }
}
