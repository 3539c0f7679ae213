public import Modbus

/// Why points cannot be planned; the description names the point and what is allowed.
public struct PlanningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem with one point.
    public enum Kind: Sendable, Hashable {
        /// A point (or a set of overlapping points, named by its longest point) spans `count` items, more than
        /// the `maximum` one read may carry.
        case pointTooLarge(id: String, count: Int, maximum: Int)
        /// A point lies on `address`, which the device's limits forbid reading.
        case forbiddenAddress(id: String, table: ModbusTable, address: Int)
        /// A point's address is negative, its count is below 1, or its span runs past address 65535.
        case addressOverflow(id: String)

        /// The point the problem is about.
        public var pointID: String {
            switch self {
            case .pointTooLarge(let id, _, _), .forbiddenAddress(let id, _, _), .addressOverflow(let id): id
            }
        }
    }

    /// What the planner knew about a point when it found a problem, for the description.
    struct Detail: Sendable, Hashable {
        /// The point the problem is about.
        var point: PlannedPoint
        /// Other points overlapping it that together make a span too large for one read.
        var overlapping: [String] = []
    }

    /// Every problem found, not just the first, in table order, then address, then point id.
    public var errors: [Kind]

    /// Context for ``description``, keyed by point id; not part of equality.
    var details: [String: Detail]

    /// Creates an error reporting `errors`.
    /// - Parameter errors: Every problem found.
    public init(errors: [Kind]) {
        self.init(errors: errors, details: [:])
    }

    init(errors: [Kind], details: [String: Detail]) {
        self.errors = errors
        self.details = details
    }

    /// One line per problem, e.g. `point 'level': 130 registers, but one read carries at most 125`.
    public var description: String {
        errors.map(line(for:)).joined(separator: "\n")
    }

    /// Two errors are equal when they report the same problems.
    public static func == (lhs: PlanningError, rhs: PlanningError) -> Bool {
        lhs.errors == rhs.errors
    }

    /// Hashes the problems reported.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(errors)
    }

    private func line(for kind: Kind) -> String {
        let detail = details[kind.pointID]
        switch kind {
        case .pointTooLarge(let id, let count, let maximum):
            let unit = detail?.point.table.itemName ?? "items"
            let others = detail?.overlapping ?? []
            if others.isEmpty {
                return "point '\(id)': \(count) \(unit), but one read carries at most \(maximum)"
            }
            let names = others.map { "'\($0)'" }.joined(separator: ", ")
            return "point '\(id)' and the points overlapping it (\(names)) must be read together: "
                + "\(count) \(unit), but one read carries at most \(maximum)"
        case .forbiddenAddress(let id, let table, let address):
            return "point '\(id)': \(table) address \(address) is forbidden for this device and is never read"
        case .addressOverflow(let id):
            guard let point = detail?.point else {
                return "point '\(id)': addresses must lie within 0...65535 and a point occupies at least 1"
            }
            let unit = point.table.itemName
            if point.count < 1 {
                return "point '\(id)': \(point.count) \(unit), but a point occupies at least 1"
            }
            if point.address < 0 || point.address > 65535 {
                return "point '\(id)': address \(point.address), but addresses lie within 0...65535"
            }
            return "point '\(id)': \(point.count) \(unit) from address \(point.address) run past the last "
                + "address, 65535"
        }
    }
}
