import Foundation
import GatewayCore

/// The values one simulated unit serves, computed at the moment of each request.
///
/// Layout (every table serves addresses 0 to 999; anything above answers exception 02):
///
/// | table | address | value |
/// |---|---|---|
/// | holding | 0 | the unit id |
/// | holding | 1 | ramp: counts up by 1 every 100 ms, wrapping at 1000 |
/// | holding | 2 | sine: 1000 ± 500, period 60 s |
/// | holding | 3 | noise: 500 ± 50 |
/// | holding | 4 | step: 0 for 10 s, then 100 for 10 s |
/// | holding | 5–9 | 0 |
/// | holding | 10–999 | the address itself (holding 100 reads 100) |
/// | input | A | 10000 + A, except input 0–4, which mirror holding 0–4 |
/// | coil | A | on when A is even |
/// | discrete | A | on when A is a multiple of 3 |
///
/// Writes to holding registers and coils are kept and read back; a value set with
/// ``Simulator/set(_:unit:address:to:)`` overrides the pattern until replaced.
struct RegisterBank: Sendable {
    /// The highest address served in every table.
    static let lastAddress = 999

    let unit: UInt8
    private var registerOverrides: [ModbusTableKey: UInt16] = [:]
    private var bitOverrides: [ModbusTableKey: Bool] = [:]
    private var noise = SplitMix64(seed: 0x5EED)

    init(unit: UInt8) { self.unit = unit }

    mutating func register(_ table: RegisterTableKind, at address: Int, elapsed: Double) -> UInt16 {
        if let value = registerOverrides[ModbusTableKey(table: table.rawValue, address: address)] { return value }
        let signalAddress = address <= 4
        switch (table, signalAddress) {
        case (_, true): return signal(address, elapsed: elapsed)
        case (.holding, false): return address < 10 ? 0 : UInt16(address)
        case (.input, false): return UInt16(10000 + address)
        }
    }

    func bit(_ table: BitTableKind, at address: Int) -> Bool {
        if let value = bitOverrides[ModbusTableKey(table: table.rawValue, address: address)] { return value }
        return table == .coil ? address % 2 == 0 : address % 3 == 0
    }

    mutating func setRegister(_ table: RegisterTableKind, at address: Int, to value: UInt16) {
        registerOverrides[ModbusTableKey(table: table.rawValue, address: address)] = value
    }

    mutating func setBit(_ table: BitTableKind, at address: Int, to value: Bool) {
        bitOverrides[ModbusTableKey(table: table.rawValue, address: address)] = value
    }

    private mutating func signal(_ address: Int, elapsed: Double) -> UInt16 {
        switch address {
        case 0: return UInt16(unit)
        case 1: return UInt16(Int(elapsed * 10) % 1000)
        case 2: return UInt16(1000 + 500 * sin(2 * Double.pi * elapsed / 60))
        case 3: return UInt16(450 + Int(noise.next() % 101))
        default: return Int(elapsed / 10) % 2 == 0 ? 0 : 100
        }
    }
}

enum RegisterTableKind: Int, Sendable { case holding = 3, input = 4 }
enum BitTableKind: Int, Sendable { case coil = 1, discrete = 2 }

struct ModbusTableKey: Hashable, Sendable {
    var table: Int
    var address: Int
}
