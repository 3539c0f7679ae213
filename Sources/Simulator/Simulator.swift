public import DeviceMap
import GatewayCore
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
        var profiles: [UInt8: MapProfile] = [:]
        var deviceStates: [UInt8: DeviceState] = [:]
        var overrides: [UInt8: [ModbusTableKey: UInt16]] = [:]
        var noise = SplitMix64(seed: 0xC4E7)
        var faults: [UInt8: [SimulatorFault]]
        var requests: [UInt8: Int] = [:]
    }

    private let state: Mutex<State>
    private let start = ContinuousClock.now

    /// The unit ids simulated, in ascending order.
    public let units: [UInt8]
    /// Whether default-layout registers from address 10 change at every read (throughput benchmarks).
    public var changesEveryRead: Bool { changeFraction >= 1 }
    /// The fraction of default-layout registers from address 10 that change at each read of their unit
    /// (0: none, 1: all; throughput benchmarks).
    public let changeFraction: Double

    /// Creates a simulator.
    /// - Parameters:
    ///   - units: the unit ids to simulate.
    ///   - faults: faults to inject from the start.
    ///   - maps: units served by a device map instead of the default layout (`chemgate simulate --map`).
    ///   - changesEveryRead: default-layout holding and input registers from address 10 read their
    ///     usual value plus the number of requests the unit received so far, so that every poll sees
    ///     every value change (`chemgate simulate --changing`, for throughput benchmarks).
    ///   - changeFraction: instead, the fraction F (0…1) of those registers that change at each read
    ///     (`chemgate simulate --change-fraction F`): register A reads its usual value plus
    ///     ⌊k·F + φ(A)⌋, k the requests the unit received so far and φ(A) the fractional part of
    ///     A·0.618…, so the registers that change are spread evenly and deterministically. Overrides
    ///     `changesEveryRead` when given.
    public init(
        units: [UInt8],
        faults: [UnitFault] = [],
        maps: [UInt8: DeviceMap] = [:],
        changesEveryRead: Bool = false,
        changeFraction: Double? = nil
    ) {
        self.units = Array(Set(units).union(maps.keys)).sorted()
        self.changeFraction = min(1, max(0, changeFraction ?? (changesEveryRead ? 1 : 0)))
        var banks: [UInt8: RegisterBank] = [:]
        for unit in units where maps[unit] == nil { banks[unit] = RegisterBank(unit: unit) }
        var faultsByUnit: [UInt8: [SimulatorFault]] = [:]
        for fault in faults { faultsByUnit[fault.unit, default: []].append(fault.fault) }
        var initial = State(banks: banks, faults: faultsByUnit)
        for (unit, map) in maps { initial.profiles[unit] = MapProfile(map: map) }
        state = Mutex(initial)
    }

    /// Puts a map-served unit in a condition: alarm, fault, calibration… (no effect on default-layout units).
    public func setState(_ deviceState: DeviceState, unit: UInt8) {
        state.withLock { $0.deviceStates[unit] = deviceState }
    }

    /// The condition of a unit.
    public func deviceState(unit: UInt8) -> DeviceState {
        state.withLock { $0.deviceStates[unit] ?? .normal }
    }

    /// Replaces the faults of one unit; an empty list heals it.
    public func setFaults(_ faults: [SimulatorFault], unit: UInt8) {
        state.withLock { $0.faults[unit] = faults }
    }

    /// Fixes a register to a value until it is set again (or written by a client).
    public func set(_ table: ModbusTable, unit: UInt8, address: Int, to value: UInt16) {
        state.withLock { state in
            if state.profiles[unit] != nil {
                state.overrides[unit, default: [:]][
                    ModbusTableKey(table: Int(table.readFunctionCode), address: address)
                ] = value
                return
            }
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
            let profile = state.profiles[request.unit]
            guard profile != nil || state.banks[request.unit] != nil else {
                return ModbusServerResponse(request.isSerial ? .noReply : .exception(.gatewayTargetFailedToRespond))
            }
            var response = ModbusServerResponse(.noReply)
            var exception: ModbusException?
            for fault in state.faults[request.unit, default: []] {
                switch fault {
                case .noReply: return ModbusServerResponse(.noReply)
                case .delay(let duration): response.delay += duration
                case .corruptCRC: response.corruptChecksum = true
                case .wrongUnitID: response.header = MBAPCorruption(unitOffset: 1)
                case .protocolID(let value): response.header = MBAPCorruption(protocolID: value)
                case .mbapLength(let value): response.header = MBAPCorruption(length: value)
                case .exception(let code, let addresses):
                    if addresses.map({ $0.overlaps(request.addresses) }) ?? true { exception = code }
                case .maxRegisters(let count):
                    if request.table?.holdsBits == false && request.addresses.count > count {
                        exception = exception ?? .illegalDataValue
                    }
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
            if let profile {
                response.reply = Self.reply(
                    to: request,
                    table: table,
                    profile: profile,
                    state: &state,
                    elapsed: elapsed
                )
                return response
            }
            guard var bank = state.banks[request.unit] else { return response }
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
                let reads = state.requests[request.unit, default: 0]
                response.reply = .registers(
                    request.addresses.map { address in
                        let value = bank.register(kind, at: address, elapsed: elapsed)
                        return address < 10 ? value : value &+ churn(reads: reads, address: address)
                    }
                )
            case .coil, .discrete:
                let kind: BitTableKind = table == .coil ? .coil : .discrete
                response.reply = .bits(request.addresses.map { bank.bit(kind, at: $0) })
            }
            state.banks[request.unit] = bank
            return response
        }
    }

    /// What a default-layout register from address 10 adds to its value at the unit's `reads`-th request.
    private func churn(reads: Int, address: Int) -> UInt16 {
        if changeFraction >= 1 { return UInt16(truncatingIfNeeded: reads) }
        guard changeFraction > 0 else { return 0 }
        let phase = (Double(address) * 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1)
        return UInt16(truncatingIfNeeded: Int((Double(reads) * changeFraction + phase).rounded(.down)))
    }

    public func didWrite(_ request: ModbusServerRequest, values: ModbusData) {
        state.withLock { state in
            let units = request.unit == 0 ? Array(state.banks.keys) : [request.unit]
            if state.profiles[request.unit] != nil, let table = request.table {
                for (offset, address) in request.addresses.enumerated() {
                    let key = ModbusTableKey(table: Int(table.readFunctionCode), address: address)
                    switch values {
                    case .registers(let registers): state.overrides[request.unit, default: [:]][key] = registers[offset]
                    case .bits(let bits): state.overrides[request.unit, default: [:]][key] = bits[offset] ? 1 : 0
                    }
                }
                return
            }
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

    /// The reply of a map-served unit: only the map's addresses exist.
    private static func reply(
        to request: ModbusServerRequest,
        table: ModbusTable,
        profile: MapProfile,
        state: inout State,
        elapsed: Double
    ) -> ModbusServerResponse.Reply {
        guard profile.serves(table, request.addresses) else { return .exception(.illegalDataAddress) }
        if request.isWrite {
            return table == .holding || table == .coil ? .acceptWrite : .exception(.illegalFunction)
        }
        let deviceState = state.deviceStates[request.unit] ?? .normal
        var image = profile.image(
            of: table,
            elapsed: elapsed,
            state: deviceState,
            unit: request.unit,
            noise: &state.noise
        )
        for (key, value) in state.overrides[request.unit] ?? [:] where key.table == Int(table.readFunctionCode) {
            image[key.address] = value
        }
        if table.holdsBits { return .bits(request.addresses.map { (image[$0] ?? 0) != 0 }) }
        return .registers(request.addresses.map { image[$0] ?? 0 })
    }
}
