/// The start record's `parameters`: one key per entry of RunParameter.all, by its name, so
/// that what a record echoes is what a request takes. Every key is required except
/// `window` and `mask`, absent for every step and for no mask.
extension DynamicsParameters: Codable {
    struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.init(stringValue) }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for parameter in RunParameter.all {
            let key = Key(parameter.name)
            switch parameter.value(in: self) {
            case .integer(let i): try c.encode(i, forKey: key)
            case .boolean(let b): try c.encode(b, forKey: key)
            case .choice(let s): try c.encode(s, forKey: key)
            case .noise(let n): try c.encode(n, forKey: key)
            case .window(let w): try c.encodeIfPresent(w, forKey: key)
            case .mask(let m): try c.encodeIfPresent(m, forKey: key)
            }
        }
    }

    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: Key.self)
        for parameter in RunParameter.all {
            let key = Key(parameter.name)
            let value: RunParameter.Value
            switch parameter.kind {
            case .integer: value = .integer(try c.decode(Int.self, forKey: key))
            case .boolean: value = .boolean(try c.decode(Bool.self, forKey: key))
            case .choice: value = .choice(try c.decode(String.self, forKey: key))
            case .noise: value = .noise(try c.decode(NoiseModel.self, forKey: key))
            case .window: value = .window(try c.decodeIfPresent(StepWindow.self, forKey: key))
            case .mask: value = .mask(try c.decodeIfPresent(ImputationMask.Form.self, forKey: key))
            }
            try parameter.set(value, in: &self)
        }
    }
}
