/// How to read a platform's reply (`reply:`): which field holds the verdict, which values mean
/// accepted, which are permanent refusals (dead letter) and which are worth a retry.
///
/// An HTTP 200 carrying `{"code": 500}` is not an acknowledgement.
public struct ReplyRule: Sendable, Hashable {
    /// The field's path in the JSON reply, dot-separated (`code`, `result.success`).
    public var field: [String]
    /// Values (as text: `0`, `true`, `"OK"` written OK) that mean the message was accepted.
    public var accepted: Set<String>
    /// Values that mean the message will never be accepted (it goes to the dead letters).
    public var permanent: Set<String>
    /// What any other value means.
    public var otherwise: ReplyVerdict.Kind

    /// The verdict on a reply's bytes.
    public func verdict(on reply: [UInt8]) -> ReplyVerdict {
        let text = String(decoding: reply.prefix(200), as: UTF8.self)
        guard let value = ReplyField.value(at: field, in: reply) else {
            return ReplyVerdict(
                kind: .temporary,
                detail: "the reply has no '\(field.joined(separator: "."))' field: \(text)"
            )
        }
        if accepted.contains(value) { return ReplyVerdict(kind: .accepted, detail: value) }
        if permanent.contains(value) {
            return ReplyVerdict(
                kind: .permanent,
                detail: "refused: \(field.joined(separator: ".")) = \(value): \(text)"
            )
        }
        return ReplyVerdict(kind: otherwise, detail: "\(field.joined(separator: ".")) = \(value): \(text)")
    }
}

/// What a reply means for the message.
public struct ReplyVerdict: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Acknowledged: the records may be marked delivered.
        case accepted
        /// Refused for good: a dead letter, never retried.
        case permanent
        /// Not accepted this time: keep the records and retry.
        case temporary
    }

    public var kind: Kind
    /// The value read, or why the reply could not be read (with the reply's first 200 bytes).
    public var detail: String
}
