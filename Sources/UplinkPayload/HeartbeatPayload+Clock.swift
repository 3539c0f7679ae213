extension HeartbeatPayload {
    /// The gateway's view of its own clock.
    public struct Clock: Codable, Sendable, Hashable {
        /// Whether the system clock is synchronized (NTP/chrony).
        public var synchronized: Bool
        /// The estimated offset from the time source in milliseconds; nil when unknown.
        public var offsetMilliseconds: Int64?

        /// Creates the clock state.
        public init(synchronized: Bool, offsetMilliseconds: Int64?) {
            self.synchronized = synchronized
            self.offsetMilliseconds = offsetMilliseconds
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case synchronized
            case offsetMilliseconds = "offset_ms"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            synchronized = try container.decode(Bool.self, forKey: .synchronized)
            offsetMilliseconds = try container.decodeIntegerIfPresent(forKey: .offsetMilliseconds)
        }
    }
}
