import Dynamics
import HTTP
import Service

/// What the fuzzer checks on every body sent as JSON to POST /dynamics and POST /sweep:
/// decoding never crashes or traps; it fails only with the errors the routes answer with
/// a 4xx (FieldError, HTTPError: anything else would reach the client as a 500); it gives
/// the same answer twice (no answer may depend on hash order or leftover state); and
/// what it accepts stays within the limits and passes the engine's own parameter checks.
enum RequestProperties {
    static let model = TinyModel.make()
    /// The service's defaults, so that the limits fuzzed are the limits served.
    static let limits = ComputeLimits()
    static let routes = ["/dynamics", "/sweep"]

    /// A decoded request or its error, in a form that compares.
    enum Outcome: Equatable {
        case accepted(parameters: DynamicsParameters, ratios: [Float], pixels: [[UInt8]], infos: [InputInfo])
        case refused(FieldError)
        case failed(HTTPError)
    }

    static func check(_ body: [UInt8]) {
        for route in routes {
            let outcome = decode(body, route: route)
            precondition(decode(body, route: route) == outcome, "\(route): a second decoding differs from \(outcome)")
            if case .accepted(let parameters, let ratios, let pixels, let infos) = outcome {
                checkAccepted(parameters, ratios: ratios, pixels: pixels, infos: infos, route: route)
            }
        }
    }

    static func decode(_ body: [UInt8], route: String) -> Outcome {
        let request = HTTPRequest(method: .post, target: route, path: route, headers: ["Content-Type": "application/json"], body: body)
        do {
            if route == "/sweep" {
                let sweep = try SweepRequest(request, model: model, limits: limits)
                return .accepted(parameters: sweep.parameters, ratios: sweep.ratios,
                                 pixels: sweep.inputs.map(\.pixels), infos: sweep.inputs.map(\.info))
            }
            let run = try DynamicsRequest(request, model: model, limits: limits)
            return .accepted(parameters: run.parameters, ratios: [], pixels: [run.input.pixels], infos: [run.input.info])
        } catch let error as FieldError {
            return .refused(error)
        } catch let error as HTTPError {
            return .failed(error)
        } catch {
            preconditionFailure("\(route) threw \(type(of: error)), which the route answers with a 500: \(error)")
        }
    }

    static func checkAccepted(_ p: DynamicsParameters, ratios: [Float], pixels: [[UInt8]], infos: [InputInfo], route: String) {
        precondition((1...limits.maxSteps).contains(p.steps) && (1...limits.maxTrials).contains(p.trials), "\(route): steps or trials over the limits")
        precondition((p.steps + 1) * p.trials * max(ratios.count, 1) * pixels.count <= limits.maxChainSteps, "\(route): over the chain-step budget")
        precondition(ratios.count <= limits.maxSweepPoints && ratios.allSatisfy { (0...1).contains($0) }, "\(route): bad noise ratios \(ratios)")
        precondition(!pixels.isEmpty && pixels.count <= limits.maxSweepInputs, "\(route): \(pixels.count) inputs")
        precondition(pixels.allSatisfy { $0.count == model.architecture.inputSize }, "\(route): an input of the wrong size")
        let classes = model.bundle.description.classNames.count
        precondition(infos.allSatisfy { ($0.label ?? 0) < classes && ($0.label ?? 0) >= 0 }, "\(route): a label outside the classes")
        do { try p.validate() } catch { preconditionFailure("\(route): accepted parameters the engine rejects: \(error)") }
    }
}
