public import Modbus

/// One thing to read: a point's span of registers (or bits) in one table.
///
/// A device map asks for points; the planner packs them into as few Modbus read requests as the device allows.
public struct PlannedPoint: Sendable, Hashable {
    /// The point's identifier, unique within one device.
    public var id: String
    /// The table the point lives in.
    public var table: ModbusTable
    /// The 0-based protocol address of the point's first register (or bit), 0...65535.
    public var address: Int
    /// How many registers (or bits) the point occupies, at least 1.
    public var count: Int

    /// Creates a point; ``RequestPlan/make(points:limits:)`` reports one that is out of range.
    /// - Parameters:
    ///   - id: The point's identifier, unique within one device.
    ///   - table: The table the point lives in.
    ///   - address: The 0-based protocol address of the point's first item.
    ///   - count: How many registers (or bits) the point occupies.
    public init(id: String, table: ModbusTable, address: Int, count: Int) {
        self.id = id
        self.table = table
        self.address = address
        self.count = count
    }

    /// The addresses the point occupies: `address...(address + count - 1)`.
    ///
    /// A point with a count below 1 (which planning rejects) is taken to occupy just `address`.
    public var addresses: ClosedRange<Int> { address...(address + max(count, 1) - 1) }

    /// The last address the point occupies.
    var lastAddress: Int { address + max(count, 1) - 1 }

    /// Whether the point lies wholly within 0...65535 and occupies at least one address.
    var isAddressable: Bool {
        address >= 0 && address <= 65535 && count >= 1 && count <= 65536 - address
    }
}
