import Decoding
import Formula
import Modbus

/// The fields of a ``PointDefinition``, held once in a shared ``Storage`` (see there).
struct PointFields: Sendable, Hashable {
    var id: String
    var name: String?
    var table: ModbusTable
    var address: Int
    var type: DataType
    var order: ByteOrder
    var conversion: Conversion
    var unit: String?
    var category: PointCategory
    var status: StatusRole?
    var states: [Int: PointState]?
    var qualifies: [String]?
    var alarms: AlarmLimits?
    var reportDeadband: Double?
    var frozenAfter: Duration?
    var channel: Int?
    var line: Int
    var formula: Formula?
    var hidden: Bool
    var expected: [ExpectedValue]?
    var otherState: PointState?
    var simulation: [String: Formula]

    /// One immutable copy of a definition's fields, shared by every copy of the definition.
    final class Storage: Sendable {
        let fields: PointFields

        init(_ fields: PointFields) { self.fields = fields }
    }
}
