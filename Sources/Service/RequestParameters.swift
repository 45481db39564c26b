import Dynamics
import Foundation

/// The run parameters of a /dynamics or /sweep request, read by the names, kinds and ranges
/// of RunParameter.all; the server's limits lower the top of a range, and a default above
/// it. A parameter the endpoint does not take is accepted only with the value the run has
/// anyway, so that a start record's `parameters` can be posted back as they are.
struct RequestParameters {
    let limits: ComputeLimits
    let experiment: RunParameter.Experiment
    /// The model the run is on: a mask is checked against its pixels.
    let model: DynamicsModel

    /// Whether a request to this experiment sets the parameter (the server loads no training set).
    static func takes(_ parameter: RunParameter, in experiment: RunParameter.Experiment) -> Bool {
        parameter.experiments.contains(experiment) && !parameter.needsTrainingSet
    }

    /// Why a request cannot set it, for the error and the OpenAPI document.
    static func refusal(_ parameter: RunParameter, in experiment: RunParameter.Experiment) -> String {
        parameter.needsTrainingSet ? "needs the training set, which the server does not load"
            : "applies to \(parameter.experiments.map(\.rawValue).sorted().joined(separator: ", ")) runs, not to a \(experiment.rawValue)"
    }

    /// The range a request may give, the server's limit applied.
    func range(_ parameter: RunParameter) -> ClosedRange<Int>? {
        guard case .integer(let range) = parameter.kind else { return nil }
        guard let limit = parameter.limit else { return range }
        return range.lowerBound...max(range.lowerBound, min(range.upperBound, limits.value(of: limit)))
    }

    /// The parameter's default in this experiment: the grid gives a sweep's noise ratios,
    /// and its start record echoes 0 (as the command line's sweep does).
    static func defaultValue(_ parameter: RunParameter, in experiment: RunParameter.Experiment) -> RunParameter.Value {
        guard experiment == .sweep, case .noise(var noise) = parameter.defaultValue else { return parameter.defaultValue }
        noise.ratio = 0
        return .noise(noise)
    }

    /// What a request that leaves the parameter out runs with: the default, lowered to the server's limit.
    func defaultValue(_ parameter: RunParameter) -> RunParameter.Value {
        let value = Self.defaultValue(parameter, in: experiment)
        if let range = range(parameter), case .integer(let i) = value { return .integer(min(i, range.upperBound)) }
        return value
    }

    func decode(_ fields: inout JSONFields) throws -> DynamicsParameters {
        var p = DynamicsParameters()
        for parameter in RunParameter.all {
            let fallback = defaultValue(parameter)
            let value = try read(parameter, &fields) ?? fallback
            guard Self.takes(parameter, in: experiment) || value == fallback else {
                throw FieldError(parameter.name, "\(Self.refusal(parameter, in: experiment)); only \(fallback.json ?? "its absence") is accepted")
            }
            try parameter.set(value, in: &p)
        }
        if let window = p.window, window.to > p.steps { throw FieldError("window", "ends at step \(window.to), after the last step \(p.steps)") }
        if p.noise.kind == .flip && !p.binarize { throw FieldError("noise.kind", "flip needs binary images; set binarize or pick another kind") }
        if let rule = p.kernelRule { throw FieldError(rule.parameter, rule.message) }
        return p
    }

    private func read(_ parameter: RunParameter, _ fields: inout JSONFields) throws -> RunParameter.Value? {
        let name = parameter.name
        switch parameter.kind {
        case .integer: return try range(parameter).flatMap { try fields.integer(name, in: $0) }.map { .integer($0) }
        case .boolean: return try fields.bool(name).map { .boolean($0) }
        case .choice(let choices): return try fields.choice(name, choices).map { .choice($0) }
        case .noise: return try noise(&fields).map { .noise($0) }
        case .window: return try window(&fields).map { .window($0) }
        case .mask: return try mask(&fields).map { .mask($0) }
        }
    }

    /// A named mask, a list of pixel indices, or `{"png": base64}` / `{"pgm": base64}` (an
    /// image of the model's size, white where hidden), checked against the model's pixels;
    /// an image comes back as its list, the form the start record echoes.
    private func mask(_ fields: inout JSONFields) throws -> ImputationMask.Form? {
        guard let raw = fields.value("mask") else { return nil }
        let pixels = model.architecture.inputSize
        do {
            if let text = raw as? String { return try ImputationMask(.named(text), pixels: pixels).form }
            if let list = raw as? [Any] {
                let indices = try list.enumerated().map { i, value in
                    guard let n = value as? NSNumber, !JSONFields.isBoolean(n), let index = Int(exactly: n.doubleValue) else {
                        throw FieldError("mask[\(i)]", "must be a whole pixel index")
                    }
                    return index
                }
                return try ImputationMask(.indices(indices), pixels: pixels).form
            }
            if let object = raw as? [String: Any] {
                var image = JSONFields(object, path: "mask")
                return try ImputationMask(image: InputDecoder(model: model).maskImage(&image)).form
            }
        } catch let error as DynamicsError {
            throw FieldError("mask", "\(error)")
        }
        throw FieldError("mask", "must be a mask name (e.g. top-half, random:0.5), a list of pixel indices, or {\"png\": base64} / {\"pgm\": base64}")
    }

    /// `{"kind": "replace", "ratio": 0.2}` as the start record echoes it, or the aliases
    /// `"replace:0.2"` and `{"model": "replace", "p": 0.2}`. In a sweep the grid gives the
    /// ratios: the ratio is left out, or 0 as the sweep's start record echoes it.
    private func noise(_ fields: inout JSONFields) throws -> NoiseModel? {
        guard let raw = fields.value("noise") else { return nil }
        var kindField = "noise.kind", ratioField = "noise.ratio"
        var kindText: String?, ratio: Double?
        if let text = raw as? String {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            // "" and ":" split into no parts at all: no kind, refused below.
            kindText = parts.first
            if parts.count == 2 {
                guard let r = Double(parts[1]) else { throw FieldError("noise", "ratio '\(parts[1])' is not a number") }
                ratio = r
            }
        } else if let object = raw as? [String: Any] {
            var n = JSONFields(object, path: "noise")
            if n.has("model") || n.has("p") { (kindField, ratioField) = ("noise.model", "noise.p") }
            kindText = try n.string(String(kindField.dropFirst("noise.".count)))
            ratio = try n.number(String(ratioField.dropFirst("noise.".count)))
            try n.rejectUnknown()
        } else {
            throw FieldError("noise", "must be {\"kind\": ..., \"ratio\": ...} or \"kind:ratio\"")
        }
        guard let kindText, let kind = NoiseModel.Kind(rawValue: kindText) else {
            throw FieldError(kindField, "must be one of \(NoiseModel.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        switch experiment {
        case .dynamics:
            guard let ratio else { throw FieldError(ratioField, "is required") }
            guard (0...1).contains(ratio) else { throw FieldError(ratioField, "must be in 0...1, got \(ratio)") }
            return try NoiseModel(kind: kind, ratio: Float(ratio))
        case .sweep:
            if let ratio, ratio != 0 { throw FieldError(ratioField, "is set by the sweep's grid; give only the kind (or 0)") }
            return try NoiseModel(kind: kind, ratio: 0)
        }
    }

    /// `{"from": F, "to": T}` as the start record echoes it, or the alias `"F:T"`.
    private func window(_ fields: inout JSONFields) throws -> StepWindow? {
        guard let raw = fields.value("window") else { return nil }
        do {
            if let text = raw as? String { return try StepWindow(parsing: text) }
            if let object = raw as? [String: Any] {
                var w = JSONFields(object, path: "window")
                guard let from = try w.integer("from", in: 0...limits.maxSteps), let to = try w.integer("to", in: 0...limits.maxSteps) else {
                    throw FieldError("window", "needs from and to")
                }
                try w.rejectUnknown()
                return try StepWindow(from: from, to: to)
            }
        } catch let error as DynamicsError {
            throw FieldError("window", "\(error)")
        }
        throw FieldError("window", "must be {\"from\": F, \"to\": T} or \"F:T\"")
    }
}

extension ComputeLimits {
    func value(of limit: RunParameter.Limit) -> Int {
        switch limit {
        case .maxSteps: maxSteps
        case .maxTrials: maxTrials
        }
    }
}
