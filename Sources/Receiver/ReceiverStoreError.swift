/// Why the store refused a batch as a whole (nothing of it is stored).
public enum ReceiverStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The batch_id, or a sequence number of the gateway, was received before with different
    /// content: storing it would lose one of the two versions, answering duplicate would lose the new one.
    case conflict(String)

    /// The conflict in words.
    public var description: String {
        switch self {
        case .conflict(let message): message
        }
    }
}
