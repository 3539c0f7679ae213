/// What storing a batch did; the body of a 200 answer to `POST /batches`.
public struct BatchOutcome: Codable, Sendable, Hashable {
    /// Events and records stored by this request.
    public var accepted: Int
    /// The batch_id had been received before: nothing was stored.
    public var duplicate: Bool
    /// Events and records skipped because another batch had already delivered the same sequence
    /// number with the same content (a gateway re-batching after a lost acknowledgement).
    public var alreadyReceived: Int
    /// Set on the first batch of a new log of a gateway that sent from other logs before: their ids
    /// (the gateway's log was replaced; its sequence starts again). Not part of the answer.
    public var previousLogs: [String] = []

    /// Creates an outcome.
    public init(accepted: Int, duplicate: Bool, alreadyReceived: Int = 0) {
        self.accepted = accepted
        self.duplicate = duplicate
        self.alreadyReceived = alreadyReceived
    }

    enum CodingKeys: String, CodingKey {
        case accepted, duplicate
        case alreadyReceived = "already_received"
    }
}
