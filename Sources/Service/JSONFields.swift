import Foundation
import HTTP

/// A JSON object read field by field, each read naming its path so that errors can say
/// exactly which field broke which rule; fields nobody read are reported as unknown.
struct JSONFields {
    let path: String
    private let object: [String: Any]
    private var read: Set<String> = []

    init(_ object: [String: Any], path: String = "") {
        self.object = object
        self.path = path
    }

    /// Parses a request body that must be one JSON object.
    static func parse(_ body: [UInt8]) throws -> JSONFields {
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: Data(body)) } catch {
            // NaN, Infinity and numbers beyond Double are not JSON; they land here too.
            throw HTTPError.invalidJSON((error as NSError).localizedDescription)
        }
        guard let object = value as? [String: Any] else { throw FieldError("body", "must be a JSON object") }
        return JSONFields(object)
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var keys: [String] { Array(object.keys) }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    mutating func value(_ key: String) -> Any? {
        read.insert(key)
        guard let v = object[key], !(v is NSNull) else { return nil }
        return v
    }

    mutating func number(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let n = v as? NSNumber, !Self.isBoolean(n) else { throw FieldError(name(key), "must be a number") }
        let d = n.doubleValue
        guard d.isFinite else { throw FieldError(name(key), "must be finite") }
        return d
    }

    /// JSONSerialization gives true and false as NSNumber too, of C type char; numbers
    /// come as integers or doubles.
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let d = try number(key) else { return nil }
        guard d == d.rounded(), let i = Int(exactly: d) else { throw FieldError(name(key), "must be a whole number") }
        guard range.contains(i) else { throw FieldError(name(key), "must be in \(range.lowerBound)...\(range.upperBound), got \(i)") }
        return i
    }

    mutating func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v as? String else { throw FieldError(name(key), "must be a string") }
        return s
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard let n = v as? NSNumber, Self.isBoolean(n) else { throw FieldError(name(key), "must be true or false") }
        return n.boolValue
    }

    mutating func object(_ key: String) throws -> JSONFields? {
        guard let v = value(key) else { return nil }
        guard let o = v as? [String: Any] else { throw FieldError(name(key), "must be an object") }
        return JSONFields(o, path: name(key))
    }

    mutating func array(_ key: String) throws -> [Any]? {
        guard let v = value(key) else { return nil }
        guard let a = v as? [Any] else { throw FieldError(name(key), "must be an array") }
        return a
    }

    /// One of `choices`.
    mutating func choice(_ key: String, _ choices: [String]) throws -> String? {
        guard let s = try string(key) else { return nil }
        guard choices.contains(s) else { throw FieldError(name(key), "must be one of \(choices.joined(separator: ", ")), got '\(s)'") }
        return s
    }

    /// Fails on any field that was never read: a misspelt option must not be ignored.
    func rejectUnknown() throws {
        if let unknown = object.keys.sorted().first(where: { !read.contains($0) }) {
            throw FieldError(name(unknown), "is not a known field")
        }
    }
}
