/// A tree that cannot be built as asked: the message names the group, class or cut.
public struct ConceptTreeError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
