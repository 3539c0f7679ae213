/// What went wrong with a broker connection or a message, in words naming the client (its uplink or
/// receiver), the broker and, when the broker gave one, its reason code.
public struct MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is, for callers that react differently.
    public enum Code: Sendable, Hashable {
        /// The broker refused the connection (CONNACK) with this MQTT reason code: a wrong user name
        /// or password (3.1.1: 4, 5; MQTT 5: 134, 135), an unknown client id, a server unavailable.
        case refused(reasonCode: Int32)
        /// No connection could be made: DNS, TCP, TLS (a certificate the CA does not sign, a wrong host).
        case connectionFailed
        /// The connection dropped; libmosquitto's error number.
        case lost(Int32)
        /// The broker refused a published message (MQTT 5 PUBACK reason code, such as 135 not authorised).
        case rejected(reasonCode: Int32)
        /// A setting libmosquitto does not accept (a TLS file it cannot read, a topic with wildcards).
        case invalidSetting
        /// The client was stopped before the operation finished.
        case stopped
    }

    public var code: Code
    public var description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
