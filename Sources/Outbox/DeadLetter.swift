public import GatewayCore

/// A batch a destination refused for good, set aside with the reason so that a person can look at it.
public struct DeadLetter: Sendable, Hashable {
    /// The row id in the `dead_letter` table.
    public var id: Int64
    public var destination: String
    public var batchID: String
    public var reason: String
    /// When the batch was set aside.
    public var time: Timestamp
    /// The sequence numbers of the batch, ascending.
    public var sequences: [Int64]

    public init(id: Int64, destination: String, batchID: String, reason: String, time: Timestamp, sequences: [Int64]) {
        self.id = id
        self.destination = destination
        self.batchID = batchID
        self.reason = reason
        self.time = time
        self.sequences = sequences
    }
}
