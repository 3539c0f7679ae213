/// How a profile's messages travel.
public enum ProfileTransport: Sendable, Hashable {
    /// One HTTP(S) POST per message to the uplink's URL.
    case http
    /// MQTT publish (wired by the MQTT uplink).
    case mqtt
    /// One persistent TCP connection, one frame per message.
    case tcp(Framing)

    /// `http`, `mqtt`, `tcp`.
    public var name: String {
        switch self {
        case .http: "http"
        case .mqtt: "mqtt"
        case .tcp: "tcp"
        }
    }
}

/// How frames are cut on a TCP stream, and whether the platform answers each one.
public struct Framing: Sendable, Hashable {
    public enum Boundary: Sendable, Hashable {
        /// The frame's bytes followed by a delimiter (Jiangsu: `@@`).
        case delimiter([UInt8])
        /// A big-endian length of 1, 2 or 4 bytes, then the frame's bytes.
        case lengthPrefix(bytes: Int)
    }

    public var boundary: Boundary
    /// Whether the platform answers every frame (in the same framing); without an answer a frame counts
    /// as delivered once written to the socket.
    public var expectsReply: Bool
    /// The largest reply frame accepted.
    public var maxReplyBytes: Int

    public init(boundary: Boundary, expectsReply: Bool, maxReplyBytes: Int = 1 << 20) {
        self.boundary = boundary
        self.expectsReply = expectsReply
        self.maxReplyBytes = maxReplyBytes
    }

    /// The frame's bytes on the wire: `payload` with its delimiter or length prefix.
    public func frame(_ payload: [UInt8]) -> [UInt8] {
        switch boundary {
        case .delimiter(let delimiter):
            return payload + delimiter
        case .lengthPrefix(let size):
            var out = [UInt8]()
            out.reserveCapacity(size + payload.count)
            for index in stride(from: size - 1, through: 0, by: -1) {
                out.append(UInt8(truncatingIfNeeded: payload.count >> (index * 8)))
            }
            return out + payload
        }
    }
}
