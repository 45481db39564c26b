/// A request the engine cannot run, described in one line for a CLI message or an HTTP 400.
public struct DynamicsError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
