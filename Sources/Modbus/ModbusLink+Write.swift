import CModbus

extension ModbusLink {
    /// Writes one holding register (function code 6). Refused unless the link allows writes.
    public func writeRegister(unit: UInt8, address: UInt16, value: UInt16) throws(ModbusError) {
        let operation = "writing holding \(address)"
        try checkWritable(unit: unit, operation: operation)
        try validate(unit: unit, address: address, count: 1, maximum: 1, table: .holding, operation: operation)
        try transact(unit: unit, operation: operation) { raw in modbus_write_register(raw, Int32(address), value) }
    }

    /// Writes holding registers (function code 16). Refused unless the link allows writes.
    public func writeRegisters(unit: UInt8, address: UInt16, values: [UInt16]) throws(ModbusError) {
        let operation = "writing holding \(Self.range(address, values.count))"
        try checkWritable(unit: unit, operation: operation)
        try validate(
            unit: unit,
            address: address,
            count: values.count,
            maximum: 123,
            table: .holding,
            operation: operation
        )
        try transact(unit: unit, operation: operation) { raw in
            values.withUnsafeBufferPointer {
                modbus_write_registers(raw, Int32(address), Int32(values.count), $0.baseAddress)
            }
        }
    }

    /// Writes one coil (function code 5). Refused unless the link allows writes.
    public func writeCoil(unit: UInt8, address: UInt16, value: Bool) throws(ModbusError) {
        let operation = "writing coil \(address)"
        try checkWritable(unit: unit, operation: operation)
        try validate(unit: unit, address: address, count: 1, maximum: 1, table: .coil, operation: operation)
        try transact(unit: unit, operation: operation) { raw in modbus_write_bit(raw, Int32(address), value ? 1 : 0) }
    }

    /// Writes coils (function code 15). Refused unless the link allows writes.
    public func writeCoils(unit: UInt8, address: UInt16, values: [Bool]) throws(ModbusError) {
        let operation = "writing coil \(Self.range(address, values.count))"
        try checkWritable(unit: unit, operation: operation)
        try validate(
            unit: unit,
            address: address,
            count: values.count,
            maximum: 1968,
            table: .coil,
            operation: operation
        )
        let bytes = values.map { UInt8($0 ? 1 : 0) }
        try transact(unit: unit, operation: operation) { raw in
            bytes.withUnsafeBufferPointer { modbus_write_bits(raw, Int32(address), Int32(bytes.count), $0.baseAddress) }
        }
    }

    private func checkWritable(unit: UInt8, operation: String) throws(ModbusError) {
        guard options.writeAccess == .allowed else {
            throw failure(.writeNotPermitted, unit: unit, operation: operation)
        }
    }
}
