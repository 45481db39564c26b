/// Replaces the summary when a run fails after its start record.
public struct ErrorRecord: Codable, Sendable, Equatable {
    public var type = "error"
    public var model: String
    public var message: String
    /// The step where it failed, when in a dynamics run.
    public var t: Int?
}
