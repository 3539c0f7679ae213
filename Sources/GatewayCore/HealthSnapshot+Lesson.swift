extension HealthSnapshot {
    /// Something a device taught the poller at run time about the reads it accepts (run-time
    /// re-planning, docs/device-maps.md): kept for the rest of the run and shown under the device.
    public struct Lesson: Sendable, Codable, Hashable {
        /// `max_registers` or `max_bits` (a read-size limit found), or `refused` (addresses the device
        /// refuses even read alone).
        public var kind: String
        /// The longest read the device accepts, for `max_registers` and `max_bits`.
        public var limit: Int?
        /// For `refused`: the table, the first and last address, the exception code and the points.
        public var table: String?
        public var first: Int?
        public var last: Int?
        public var exception: Int?
        public var points: [String]?
        /// What was learned and where to fix the map: `refuses reads over 16 registers (exception 02/03):
        /// set max_registers: 16 in Devices/x.yaml:12; …`.
        public var hint: String

        public init(
            kind: String,
            limit: Int? = nil,
            table: String? = nil,
            first: Int? = nil,
            last: Int? = nil,
            exception: Int? = nil,
            points: [String]? = nil,
            hint: String
        ) {
            self.kind = kind
            self.limit = limit
            self.table = table
            self.first = first
            self.last = last
            self.exception = exception
            self.points = points
            self.hint = hint
        }
    }
}
