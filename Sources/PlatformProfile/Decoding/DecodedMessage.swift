/// A platform message read back through its profile (``ProfileDecoder``): the fields the profile's
/// templates wrote, by model field, as the text found in the message.
///
/// What cannot come back: anything the profile does not write (a profile without `${record.seq}`
/// gives no sequence numbers), mapped codes (`record.quality` is the platform's code, not chemgate's
/// quality), values rounded to the point's decimals, and parts of text templates beside their field.
public struct DecodedMessage: Sendable {
    public var kind: MessageKind
    /// Fields written outside any `$each` (`gateway.id`, `message.id`, `message.time`, …).
    public var fields: [Field: String]
    /// One entry per `$each: records` item, with the fields around it (a `$each: devices` entry's
    /// `device.id`, the envelope's `gateway.id`).
    public var readings: [[Field: String]]
    /// One entry per event: a `$each: events` item, or the whole message of a per-record events message.
    public var events: [[Field: String]]
    /// One entry per `$each: points` item (the catalogue).
    public var points: [[Field: String]]
    /// The plaintext of every encrypted part, in the order read.
    public var plaintexts: [[UInt8]]
}
