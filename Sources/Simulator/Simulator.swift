public import Modbus
import Synchronization

/// A set of simulated Modbus devices (units) with changing values and injectable faults.
///
/// One simulator can be served over TCP and RTU at once (``ModbusTCPServer``, ``ModbusRTUServer``).
/// Every unit serves the layout of ``RegisterBank``; a request for a unit that is not simulated
/// gets no reply on RTU (no device has that id) and exception 0B on TCP (as a TCP gateway answers for
/// a serial device that does not respond).
public final class Simulator: ModbusRequestHandler, Sendable {
    private struct State {
        var banks: [UInt8: RegisterBank]
        var faults: [UInt8: [SimulatorFault]]
        var requests: [UInt8: Int] = [:]
    }

    private let state: Mutex<State>
    private let start = ContinuousClock.now

    /// The unit ids simulated, in ascending order.
    public let units: [UInt8]

    /// Creates a simulator.
    /// - Parameters:
    ///   - units: the unit ids to simulate.
    ///   - faults: faults to inject from the start.
    public init(units: [UInt8], faults: [UnitFault] = []) {
        self.units = Array(Set(units)).sorted()
        var banks: [UInt8: RegisterBank] = [:]
        for unit in units { banks[unit] = RegisterBank(unit: unit) }
        var faultsByUnit: [UInt8: [SimulatorFault]] = [:]
        for fault in faults { faultsByUnit[fault.unit, default: []].append(fault.fault) }
        state = Mutex(State(banks: banks, faults: faultsByUnit))
    }

    /// Replaces the faults of one unit; an empty list heals it.
    public func setFaults(_ faults: [SimulatorFault], unit: UInt8) {
        state.withLock { $0.faults[unit] = faults }
    }

    /// Fixes a register to a value until it is set again (or written by a client).
    public func set(_ table: ModbusTable, unit: UInt8, address: Int, to value: UInt16) {
        state.withLock { state in
            switch table {
            case .holding: state.banks[unit]?.setRegister(.holding, at: address, to: value)
            case .input: state.banks[unit]?.setRegister(.input, at: address, to: value)
            case .coil: state.banks[unit]?.setBit(.coil, at: address, to: value != 0)
            case .discrete: state.banks[unit]?.setBit(.discrete, at: address, to: value != 0)
            }
        }
    }

    /// How many requests addressed to `unit` arrived, answered or not.
    public func requestCount(unit: UInt8) -> Int {
        state.withLock { $0.requests[unit, default: 0] }
    }

    public func respond(to request: ModbusServerRequest) -> ModbusServerResponse {
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        return state.withLock { state in
            state.requests[request.unit, default: 0] += 1
            guard var bank = state.banks[request.unit] else {
                return ModbusServerResponse(request.isSerial ? .noReply : .exception(.gatewayTargetFailedToRespond))
            }
            var response = ModbusServerResponse(.noReply)
            var exception: ModbusException?
            for fault in state.faults[request.unit, default: []] {
                switch fault {
                case .noReply: return ModbusServerResponse(.noReply)
                case .delay(let duration): response.delay += duration
                case .corruptCRC: response.corruptChecksum = true
                case .exception(let code, let addresses):
                    if addresses.map({ $0.overlaps(request.addresses) }) ?? true { exception = code }
                }
            }
            guard let table = request.table else {
                response.reply = .exception(.illegalFunction)
                return response
            }
            if let exception {
                response.reply = .exception(exception)
                return response
            }
            guard request.addresses.upperBound <= RegisterBank.lastAddress else {
                response.reply = .exception(.illegalDataAddress)
                return response
            }
            if request.isWrite {
                response.reply = .acceptWrite
                return response
            }
            switch table {
            case .holding, .input:
                let kind: RegisterTableKind = table == .holding ? .holding : .input
                response.reply = .registers(request.addresses.map { bank.register(kind, at: $0, elapsed: elapsed) })
            case .coil, .discrete:
                let kind: BitTableKind = table == .coil ? .coil : .discrete
                response.reply = .bits(request.addresses.map { bank.bit(kind, at: $0) })
            }
            state.banks[request.unit] = bank
            return response
        }
    }

    public func didWrite(_ request: ModbusServerRequest, values: ModbusData) {
        state.withLock { state in
            let units = request.unit == 0 ? Array(state.banks.keys) : [request.unit]
            for unit in units {
                for (offset, address) in request.addresses.enumerated() {
                    switch values {
                    case .registers(let registers):
                        state.banks[unit]?.setRegister(.holding, at: address, to: registers[offset])
                    case .bits(let bits): state.banks[unit]?.setBit(.coil, at: address, to: bits[offset])
                    }
                }
            }
        }
    }
}
