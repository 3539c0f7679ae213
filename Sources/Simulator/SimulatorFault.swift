public import Modbus

/// A fault injected into one simulated unit.
public enum SimulatorFault: Sendable, Hashable, CustomStringConvertible {
    /// The unit never answers: a dead or disconnected device.
    case noReply
    /// The unit answers after a delay: a slow device.
    case delay(Duration)
    /// The unit answers requests touching `addresses` (all, when nil) with an exception.
    case exception(ModbusException, addresses: ClosedRange<Int>?)
    /// On RTU, the unit's replies arrive with a corrupted CRC: noise on the line.
    case corruptCRC
    /// On TCP, the unit's replies carry the next unit id: a gateway mixing up its devices.
    case wrongUnitID
    /// On TCP, the unit's replies carry this protocol id instead of 0.
    case protocolID(UInt16)
    /// On TCP, the unit's replies carry this MBAP length whatever their size (padded when longer).
    case mbapLength(UInt16)
    /// The unit answers exception 03 (illegal data value) to a register read or write of more than this
    /// many registers: a device with a smaller read buffer than its map says.
    case maxRegisters(Int)

    /// The syntax `chemgate simulate --fault` takes, without the unit: `no-reply`, `delay=300ms`,
    /// `exception=2@100-109`, `corrupt-crc`, `wrong-unit`, `protocol-id=1`, `mbap-length=65535`,
    /// `max-registers=10`.
    public var description: String {
        switch self {
        case .noReply: return "no-reply"
        case .delay(let duration):
            let (seconds, attoseconds) = duration.components
            return "delay=\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
        case .exception(let exception, let addresses):
            let range = addresses.map { "@\($0.lowerBound)-\($0.upperBound)" } ?? ""
            return "exception=\(exception.rawValue)\(range)"
        case .corruptCRC: return "corrupt-crc"
        case .wrongUnitID: return "wrong-unit"
        case .protocolID(let value): return "protocol-id=\(value)"
        case .mbapLength(let value): return "mbap-length=\(value)"
        case .maxRegisters(let count): return "max-registers=\(count)"
        }
    }
}

/// A fault and the unit it applies to, as parsed from `UNIT:FAULT`.
public struct UnitFault: Sendable, Hashable, CustomStringConvertible {
    public var unit: UInt8
    public var fault: SimulatorFault

    public init(unit: UInt8, fault: SimulatorFault) {
        self.unit = unit
        self.fault = fault
    }

    /// Parses `UNIT:FAULT`, for example `3:no-reply`, `2:delay=300ms`, `1:exception=2@100-109`,
    /// `4:corrupt-crc`.
    /// - Throws: ``SimulatorConfigurationError`` saying what is allowed.
    public init(parsing text: String) throws(SimulatorConfigurationError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let unit = UInt8(parts[0]) else {
            throw SimulatorConfigurationError("fault '\(text)': write UNIT:FAULT, for example 3:no-reply")
        }
        self.unit = unit
        let spec = parts[1]
        let (name, argument) = Self.split(spec, at: "=")
        switch name {
        case "no-reply":
            fault = .noReply
        case "corrupt-crc":
            fault = .corruptCRC
        case "wrong-unit":
            fault = .wrongUnitID
        case "protocol-id", "mbap-length":
            guard let argument, let value = UInt16(argument) else {
                throw SimulatorConfigurationError(
                    "fault '\(text)': write \(name)=VALUE (0–65535), for example 1:\(name)=\(name == "protocol-id" ? 1 : 65535)"
                )
            }
            fault = name == "protocol-id" ? .protocolID(value) : .mbapLength(value)
        case "max-registers":
            guard let argument, let count = Int(argument), (1...125).contains(count) else {
                throw SimulatorConfigurationError(
                    "fault '\(text)': write max-registers=COUNT (1–125), for example 1:max-registers=10"
                )
            }
            fault = .maxRegisters(count)
        case "delay":
            guard let argument, let duration = Self.parseDuration(argument) else {
                throw SimulatorConfigurationError(
                    "fault '\(text)': write delay=MILLISECONDSms, for example 2:delay=300ms"
                )
            }
            fault = .delay(duration)
        case "exception":
            let (codeText, rangeText) = Self.split(argument ?? "", at: "@")
            guard let code = UInt8(codeText) else {
                throw SimulatorConfigurationError(
                    "fault '\(text)': write exception=CODE[@FROM-TO], for example 1:exception=2@100-109"
                )
            }
            var range: ClosedRange<Int>?
            if let rangeText {
                let bounds = rangeText.split(separator: "-").compactMap { Int($0) }
                guard (1...2).contains(bounds.count), bounds[0] <= bounds[bounds.count - 1] else {
                    throw SimulatorConfigurationError(
                        "fault '\(text)': the address range is FROM-TO, for example @100-109"
                    )
                }
                range = bounds[0]...bounds[bounds.count - 1]
            }
            fault = .exception(ModbusException(rawValue: code), addresses: range)
        default:
            throw SimulatorConfigurationError(
                "fault '\(text)': unknown fault '\(name)'; allowed: no-reply, delay=MSms, exception=CODE[@FROM-TO], "
                    + "corrupt-crc, wrong-unit, protocol-id=N, mbap-length=N, max-registers=N"
            )
        }
    }

    public var description: String { "\(unit):\(fault)" }

    private static func split(_ text: String, at separator: Character) -> (String, String?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }

    private static func parseDuration(_ text: String) -> Duration? {
        if text.hasSuffix("ms"), let value = Int(text.dropLast(2)) { return .milliseconds(value) }
        if text.hasSuffix("s"), let value = Double(text.dropLast(1)) { return .milliseconds(Int(value * 1000)) }
        if let value = Int(text) { return .milliseconds(value) }
        return nil
    }
}

/// A simulator option that cannot be used, with what is allowed.
public struct SimulatorConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
