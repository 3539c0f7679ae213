public import GatewayCore

extension HeartbeatPayload {
    /// The gateway's store-and-forward queue.
    public struct Outbox: Codable, Sendable, Hashable {
        /// Entries (events and records) not yet acknowledged by the platform.
        public var depth: UInt64
        /// The time of the oldest unacknowledged entry; nil when the outbox is empty.
        public var oldestUnacknowledged: Timestamp?
        /// Entries discarded, by cause.
        public var drops: Drops

        /// Creates the outbox state.
        public init(depth: UInt64, oldestUnacknowledged: Timestamp?, drops: Drops) {
            self.depth = depth
            self.oldestUnacknowledged = oldestUnacknowledged
            self.drops = drops
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case depth
            case oldestUnacknowledged = "oldest_unacknowledged"
            case drops
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            depth = try container.decodeCount(forKey: .depth)
            oldestUnacknowledged = try container.decodeTimestampIfPresent(forKey: .oldestUnacknowledged)
            drops = try container.decode(Drops.self, forKey: .drops)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(depth, forKey: .depth)
            if let oldestUnacknowledged {
                try container.encodeTimestamp(oldestUnacknowledged, forKey: .oldestUnacknowledged)
            }
            try container.encode(drops, forKey: .drops)
        }
    }

    /// Entries the outbox discarded, by cause, since the gateway's outbox was created.
    public struct Drops: Codable, Sendable, Hashable {
        /// Unacknowledged entries discarded because the outbox reached its size cap: lost data,
        /// which the receiver also sees as sequence gaps.
        public var sizeCapUnacknowledged: UInt64
        /// Entries every platform had acknowledged, removed early for the size cap (local history
        /// shorter than the retention; nothing lost upstream).
        public var sizeCapAcknowledged: UInt64
        /// Entries past the retention that every platform had acknowledged (normal housekeeping).
        public var retention: UInt64

        /// Creates the drop counts.
        public init(sizeCapUnacknowledged: UInt64, sizeCapAcknowledged: UInt64 = 0, retention: UInt64 = 0) {
            self.sizeCapUnacknowledged = sizeCapUnacknowledged
            self.sizeCapAcknowledged = sizeCapAcknowledged
            self.retention = retention
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sizeCapUnacknowledged = "size_cap_unacknowledged"
            case sizeCapAcknowledged = "size_cap_acknowledged"
            case retention
        }

        /// `size_cap_acknowledged` and `retention` may be absent (0): the first heartbeats carried only
        /// `size_cap_unacknowledged`.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            sizeCapUnacknowledged = try container.decodeCount(forKey: .sizeCapUnacknowledged)
            sizeCapAcknowledged =
                container.contains(.sizeCapAcknowledged) ? try container.decodeCount(forKey: .sizeCapAcknowledged) : 0
            retention = container.contains(.retention) ? try container.decodeCount(forKey: .retention) : 0
        }
    }
}
