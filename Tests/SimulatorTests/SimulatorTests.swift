import Modbus
import Simulator
import Testing

/// The simulator's replies, asked directly (no sockets): layout, faults and writes.
@Suite("Simulator replies")
struct SimulatorTests {
    func read(
        _ simulator: Simulator,
        _ table: ModbusTable,
        unit: UInt8 = 1,
        address: UInt16,
        count: Int,
        serial: Bool = false
    ) -> ModbusServerResponse {
        simulator.respond(
            to: ModbusServerRequest(
                unit: unit,
                functionCode: table.readFunctionCode,
                table: table,
                address: address,
                count: count,
                isWrite: false,
                isSerial: serial
            )
        )
    }

    func registers(_ response: ModbusServerResponse) -> [UInt16]? {
        if case .registers(let values) = response.reply { return values }
        return nil
    }

    func exception(_ response: ModbusServerResponse) -> ModbusException? {
        if case .exception(let exception) = response.reply { return exception }
        return nil
    }

    @Test func documentedLayout() {
        let simulator = Simulator(units: [7])
        #expect(registers(read(simulator, .holding, unit: 7, address: 0, count: 1)) == [7])
        #expect(registers(read(simulator, .holding, unit: 7, address: 5, count: 6)) == [0, 0, 0, 0, 0, 10])
        #expect(registers(read(simulator, .holding, unit: 7, address: 998, count: 2)) == [998, 999])
        #expect(registers(read(simulator, .input, unit: 7, address: 0, count: 1)) == [7])
        #expect(registers(read(simulator, .input, unit: 7, address: 5, count: 2)) == [10005, 10006])
        guard case .bits(let coils) = read(simulator, .coil, unit: 7, address: 10, count: 3).reply,
            case .bits(let discrete) = read(simulator, .discrete, unit: 7, address: 9, count: 4).reply
        else {
            Issue.record("bit reads must answer bits")
            return
        }
        #expect(coils == [true, false, true])
        #expect(discrete == [true, false, false, true])
    }

    @Test func signalsStayInTheirDocumentedRanges() {
        let simulator = Simulator(units: [1])
        for _ in 0..<200 {
            let values = registers(read(simulator, .holding, address: 1, count: 4)) ?? []
            #expect(values.count == 4)
            #expect(values[0] < 1000, "ramp")
            #expect((500...1500).contains(values[1]), "sine")
            #expect((450...550).contains(values[2]), "noise")
            #expect(values[3] == 0 || values[3] == 100, "step")
        }
    }

    @Test func noiseVaries() {
        let simulator = Simulator(units: [1])
        let samples = Set(
            (0..<20).compactMap { _ in registers(read(simulator, .holding, address: 3, count: 1))?.first }
        )
        #expect(samples.count > 5)
    }

    @Test func addressesPast999AreIllegal() {
        let simulator = Simulator(units: [1])
        #expect(exception(read(simulator, .holding, address: 991, count: 10)) == .illegalDataAddress)
        #expect(registers(read(simulator, .holding, address: 990, count: 10))?.last == 999)
        #expect(exception(read(simulator, .coil, address: 1000, count: 1)) == .illegalDataAddress)
    }

    @Test func absentUnitIsSilentOnRTUAndGatewayFailureOnTCP() {
        let simulator = Simulator(units: [1])
        guard case .noReply = read(simulator, .holding, unit: 2, address: 0, count: 1, serial: true).reply else {
            Issue.record("an absent unit on a serial line must not answer")
            return
        }
        #expect(exception(read(simulator, .holding, unit: 2, address: 0, count: 1)) == .gatewayTargetFailedToRespond)
    }

    @Test func faultsApplyToTheirUnitOnly() {
        let simulator = Simulator(
            units: [1, 2, 3, 4],
            faults: [
                UnitFault(unit: 1, fault: .noReply),
                UnitFault(unit: 2, fault: .delay(.milliseconds(300))),
                UnitFault(unit: 3, fault: .exception(.illegalDataValue, addresses: 100...109)),
                UnitFault(unit: 4, fault: .corruptCRC),
            ]
        )
        guard case .noReply = read(simulator, .holding, unit: 1, address: 0, count: 1).reply else {
            Issue.record("unit 1 must not answer")
            return
        }
        #expect(read(simulator, .holding, unit: 2, address: 0, count: 1).delay == .milliseconds(300))
        #expect(registers(read(simulator, .holding, unit: 2, address: 0, count: 1)) == [2])
        #expect(exception(read(simulator, .holding, unit: 3, address: 95, count: 6)) == .illegalDataValue)
        #expect(registers(read(simulator, .holding, unit: 3, address: 110, count: 1)) == [110])
        #expect(read(simulator, .holding, unit: 4, address: 0, count: 1).corruptChecksum)
        #expect(read(simulator, .holding, unit: 3, address: 0, count: 1).corruptChecksum == false)
        simulator.setFaults([], unit: 1)
        #expect(registers(read(simulator, .holding, unit: 1, address: 0, count: 1)) == [1])
    }

    @Test func aRegisterLimitRefusesLongerReadsWithException03() {
        let simulator = Simulator(units: [1, 2], faults: [UnitFault(unit: 1, fault: .maxRegisters(10))])
        #expect(registers(read(simulator, .holding, address: 10, count: 10)) == Array(10...19))
        #expect(exception(read(simulator, .holding, address: 10, count: 11)) == .illegalDataValue)
        #expect(exception(read(simulator, .input, address: 0, count: 40)) == .illegalDataValue)
        #expect(exception(read(simulator, .coil, address: 0, count: 40)) == nil, "bits are not registers")
        #expect(registers(read(simulator, .holding, unit: 2, address: 10, count: 40))?.count == 40)
    }

    @Test func writtenAndSetValuesAreReadBack() {
        let simulator = Simulator(units: [1])
        simulator.didWrite(
            ModbusServerRequest(unit: 1, functionCode: 16, table: .holding, address: 40, count: 2, isWrite: true),
            values: .registers([4000, 4001])
        )
        #expect(registers(read(simulator, .holding, address: 39, count: 3)) == [39, 4000, 4001])
        simulator.set(.input, unit: 1, address: 1, to: 77)
        #expect(registers(read(simulator, .input, address: 1, count: 1)) == [77])
        #expect(simulator.requestCount(unit: 1) == 2)
    }

    @Test func unsupportedFunctionIsIllegal() {
        let simulator = Simulator(units: [1])
        let response = simulator.respond(
            to: ModbusServerRequest(unit: 1, functionCode: 23, table: nil, address: 0, count: 0, isWrite: false)
        )
        #expect(exception(response) == .illegalFunction)
    }
}
