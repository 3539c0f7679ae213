extension HeartbeatPayload {
    /// How many configured devices are in each state.
    public struct Devices: Codable, Sendable, Hashable {
        /// Polled normally.
        public var ok: UInt64
        /// Failing and polled less often.
        public var demoted: UInt64
        /// In maintenance: values not for alarming.
        public var maintenance: UInt64

        /// Creates the device counts.
        public init(ok: UInt64, demoted: UInt64, maintenance: UInt64) {
            self.ok = ok
            self.demoted = demoted
            self.maintenance = maintenance
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case ok, demoted, maintenance
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            ok = try container.decodeCount(forKey: .ok)
            demoted = try container.decodeCount(forKey: .demoted)
            maintenance = try container.decodeCount(forKey: .maintenance)
        }
    }
}
