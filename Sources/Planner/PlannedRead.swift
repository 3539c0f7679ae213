public import Modbus

/// One Modbus read request and the points it serves.
public struct PlannedRead: Sendable, Hashable, CustomStringConvertible {
    /// The table the request reads.
    public var table: ModbusTable
    /// The first address read.
    public var address: Int
    /// How many registers (or bits) are read.
    public var count: Int
    /// The points wholly inside this read, in (address, id) order.
    public var pointIDs: [String]

    /// Creates a read request.
    /// - Parameters:
    ///   - table: The table the request reads.
    ///   - address: The first address read.
    ///   - count: How many registers (or bits) are read, at least 1.
    ///   - pointIDs: The points wholly inside this read, in (address, id) order.
    public init(table: ModbusTable, address: Int, count: Int, pointIDs: [String]) {
        self.table = table
        self.address = address
        self.count = count
        self.pointIDs = pointIDs
    }

    /// The addresses read: `address...(address + count - 1)`.
    public var addresses: ClosedRange<Int> { address...(address + max(count, 1) - 1) }

    /// The read for logs, e.g. `holding 0..15 (16 registers: concentration, status, unit)`.
    public var description: String {
        let unit = count == 1 ? String(table.itemName.dropLast()) : table.itemName
        let last = address + max(count, 1) - 1
        return "\(table) \(address)..\(last) (\(count) \(unit): \(pointIDs.joined(separator: ", ")))"
    }
}
