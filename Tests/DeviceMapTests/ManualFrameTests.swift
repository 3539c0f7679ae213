import Decoding
import DeviceMap
import Foundation
import GatewayCore
import Modbus  // ModbusTable members (.holding, .input) under MemberImportVisibility
import TestSupport
import Testing

/// Register frames written by hand from the manuals (documented example values, or values encoded by
/// hand from IEEE 754 and the manual's scaling rules, arithmetic in the comments), decoded through the
/// device maps under Devices/. Each test names the manual and section the frame comes from.
@Suite("Device maps decode the manuals' example frames")
struct ManualFrameTests {
    // MARK: - Helpers

    static func load(_ file: String) throws -> DeviceMap {
        try DeviceMapLoader.load(path: Tools.repositoryRoot.appendingPathComponent("Devices/\(file)").path)
    }

    /// Decodes `registers` (in address order, as they arrive on the wire) through `point`.
    static func decode(_ point: PointDefinition, _ registers: [UInt16]) -> DecodedValue {
        let raw = Decoder.decode(registers: registers, as: point.type, order: point.order)
        return Decoder.convert(raw, type: point.type, with: point.conversion)
    }

    static func number(_ decoded: DecodedValue) -> Double? {
        decoded.value?.numeric
    }

    /// The role a status point's decoded value signals: its `status` when the flag is set, or the
    /// status of the state its value names.
    static func role(of point: PointDefinition, _ decoded: DecodedValue) -> StatusRole? {
        switch decoded.value {
        case .bool(true)?: return point.status
        case .number(let value)?: return point.states?[Int(value)]?.status
        case .integer(let value)?: return Int(exactly: value).flatMap { point.states?[$0]?.status }
        default: return nil
        }
    }

    // MARK: - Otis OI-7032 (Otis "OI-7032 Modbus Register Map"; DOMAIN.md §3.2)

    @Test func oi7032ChannelAddressesFollowTheParallelArrays() throws {
        let map = try Self.load("otis/oi-7032.yaml")
        #expect(map.channels == 32)
        // Channel N: reading 0x0020 + 2(N−1), mode 0x0060 + (N−1), battery 0x0080 + 2(N−1),
        // seconds 0x00C0 + (N−1), sensor type 0x00E0 + (N−1), gas type 0x0100 + (N−1).
        // Channel 6, as read live by the public script: 0x0005, 0x002A, 0x0065, 0x008A, 0x00C5, 0x00E5, 0x0105.
        let expected: [(String, Int)] = [
            ("radio_address_6", 0x0000 + 5), ("reading_6", 0x0020 + 10), ("mode_6", 0x0060 + 5),
            ("battery_6", 0x0080 + 10), ("seconds_since_message_6", 0x00C0 + 5), ("sensor_type_6", 0x00E0 + 5),
            ("gas_type_6", 0x0100 + 5), ("fault_6", 0x0120 + 5),
            ("reading_1", 0x0020), ("reading_32", 0x005E), ("battery_32", 0x00BE), ("gas_type_32", 0x011F),
        ]
        for (id, address) in expected {
            let point = try #require(map.point(id), "\(id)")
            #expect(point.address == address, "\(id)")
            #expect(point.table == .holding, "\(id)")
            #expect(point.channel == Int(id.split(separator: "_").last!), "\(id)")
        }
        #expect(map.point("reading_6")?.address == 0x002A)
        #expect(map.point("reading_33") == nil)
    }

    @Test func oi7032ReadingIsABigEndianFloat() throws {
        let map = try Self.load("otis/oi-7032.yaml")
        let point = try #require(map.point("reading_6"))
        #expect(point.type == .float32)
        #expect(point.order == .abcd)
        #expect(point.category == .gas)
        // 25.0 = 1.5625 × 2^4: sign 0, exponent 127 + 4 = 131 = 0x83, mantissa .1001b → 0x41C8_0000.
        let decoded = Self.decode(point, [0x41C8, 0x0000])
        #expect(decoded.value == .number(25))
        #expect(decoded.quality == .good)
        // Channel 6 as displayed on the controller: 0.000 %LEL.
        #expect(Self.decode(point, [0x0000, 0x0000]).value == .number(0))
    }

    @Test func oi7032Channel6AsObservedLive() throws {
        let map = try Self.load("otis/oi-7032.yaml")
        // Battery 23.00 V: 23 = 1.4375 × 2^4 → exponent 0x83, mantissa .0111b → 0x41B8_0000.
        let battery = try #require(map.point("battery_6"))
        #expect(Self.decode(battery, [0x41B8, 0x0000]).value == .number(23))
        #expect(battery.unit == "V")
        // Sensor type 2 = catalytic bead; gas type 6 = %LEL; mode 0 = normal.
        let sensor = try #require(map.point("sensor_type_6"))
        #expect(Self.decode(sensor, [0x0002]).value == .number(2))
        #expect(sensor.states?[2]?.label.contains("catalytic") == true)
        #expect(try #require(map.point("gas_type_6")).states?[6]?.label == "%LEL")
        let mode = try #require(map.point("mode_6"))
        #expect(mode.states?[0]?.label.contains("normal") == true)
        #expect(mode.states?[0]?.status == nil)
    }

    @Test func oi7032SecondsSinceLastMessageMinusOneMeansNeverHeard() throws {
        let map = try Self.load("otis/oi-7032.yaml")
        let point = try #require(map.point("seconds_since_message_6"))
        // "-1 = never" (Otis map, INTEGER): −1 is 0xFFFF in two's complement.
        let never = Self.decode(point, [0xFFFF])
        #expect(never.value == .number(-1))
        #expect(never.quality == .bad(.communicationFailure))
        // 23 s since the last radio packet (public readout of channel 6): a plain number.
        let recent = Self.decode(point, [0x0017])
        #expect(recent.value == .number(23))
        #expect(recent.quality == .good)
    }

    @Test func oi7032ChannelOffOrRadioTimeoutMarksOnlyThatChannelsReadingBad() throws {
        let map = try Self.load("otis/oi-7032.yaml")
        let radio = try #require(map.point("radio_address_6"))
        #expect(radio.states?[0]?.status == .commFault)
        #expect(map.qualifiedIDs(by: radio) == ["reading_6"])
        let fault = try #require(map.point("fault_6"))
        let timeout = Self.decode(fault, [0x0009])  // 9 = sensor radio timeout
        let role = try #require(Self.role(of: fault, timeout))
        #expect(role == .commFault)
        let reading = Self.decode(try #require(map.point("reading_6")), [0x41C8, 0x0000])
        #expect(Decoder.qualify(reading, by: [role]).quality == .bad(.communicationFailure))
        #expect(Self.role(of: fault, Self.decode(fault, [0x0000])) == nil)
    }

    // MARK: - Generic 8-channel 4–20 mA module (µA in input registers)

    @Test func analogModuleChannelsAreConsecutiveInputRegisters() throws {
        let map = try Self.load("generic/analog-input-8ch-4-20ma.yaml")
        #expect(map.channels == 8)
        for channel in 1...8 {
            let point = try #require(map.point("ai_\(channel)"))
            #expect(point.table == .input)
            #expect(point.address == channel - 1)
            #expect(point.unit == "%")
        }
        #expect(map.point("ai_9") == nil)
    }

    @Test func analogModuleScalesMicroampsToPercentOfSpan() throws {
        let map = try Self.load("generic/analog-input-8ch-4-20ma.yaml")
        let point = try #require(map.point("ai_1"))
        // Ebyte E821-RTU manual §4.2.1: "AI1 input is 9946 uA, the corresponding value should be 0x26DA".
        // (9946 − 4000) / (20000 − 4000) × 100 = 37.1625 % → 2 decimals → 37.16 %.
        let example = Self.decode(point, [0x26DA])
        #expect(example.value == .number(37.16))
        #expect(example.quality == .good)
        #expect(Self.decode(point, [0x0FA0]).value == .number(0))  // 4000 µA = 4 mA = 0 %
        #expect(Self.decode(point, [0x4E20]).value == .number(100))  // 20000 µA = 20 mA = 100 %
    }

    @Test func analogModuleAppliesNamurNE43() throws {
        let map = try Self.load("generic/analog-input-8ch-4-20ma.yaml")
        let point = try #require(map.point("ai_3"))
        #expect(point.conversion.ne43)
        // 3000 µA = 3.0 mA < 3.6 mA: wire break → bad (sensor fault); value kept: (3000 − 4000)/16000 × 100.
        let broken = Self.decode(point, [0x0BB8])
        #expect(broken.quality == .bad(.sensorFault))
        #expect(broken.value == .number(-6.25))
        // 3700 µA = 3.7 mA (3.6–3.8): uncertain, out of range.
        #expect(Self.decode(point, [0x0E74]).quality == .uncertain(.outOfRange))
        // 20800 µA = 20.8 mA (20.5–21): uncertain; 21500 µA = 21.5 mA > 21 mA: bad.
        #expect(Self.decode(point, [0x5140]).quality == .uncertain(.outOfRange))
        #expect(Self.decode(point, [0x53FC]).quality == .bad(.sensorFault))
        // 3800 µA and 20500 µA are the last good values.
        #expect(Self.decode(point, [0x0ED8]).quality == .good)
        #expect(Self.decode(point, [0x5014]).quality == .good)
    }

    // MARK: - Siemens S7-1200/1500 MB_SERVER tank-farm DB (layout in the map's header)

    @Test func tankFarmRegistersFollowTheDBLayout() throws {
        let map = try Self.load("siemens/s7-mb-server-tank-farm.yaml")
        #expect(map.channels == 4)
        // Tank N struct at DB byte 16(N−1) → register 8(N−1); level +0, temperature +2, pressure +4, status +6.
        for tank in 1...4 {
            let base = 8 * (tank - 1)
            #expect(map.point("level_\(tank)")?.address == base)
            #expect(map.point("temperature_\(tank)")?.address == base + 2)
            #expect(map.point("pressure_\(tank)")?.address == base + 4)
            #expect(map.point("interlock_bypassed_\(tank)")?.address == base + 6)
            #expect(map.point("level_\(tank)")?.table == .holding)
            #expect(map.point("level_\(tank)")?.order == .abcd)
        }
        #expect(map.point("level_3")?.address == 16)  // DB bytes 32–35 = 40017–40018
        #expect(map.point("heartbeat")?.address == 32)  // DB byte 64 = 40033
    }

    @Test func tankFarmREALsAreBigEndian() throws {
        let map = try Self.load("siemens/s7-mb-server-tank-farm.yaml")
        // 12.5 m = 1.5625 × 2^3: exponent 130 = 0x82, mantissa .1001b → 0x4148_0000 (S7 stores MSB first).
        let level = try #require(map.point("level_2"))
        #expect(Self.decode(level, [0x4148, 0x0000]).value == .number(12.5))
        #expect(level.unit == "m")
        // 35.5 °C = 1.109375 × 2^5: exponent 132 = 0x84, mantissa .000111b → 0x420E_0000.
        let temperature = try #require(map.point("temperature_2"))
        #expect(Self.decode(temperature, [0x420E, 0x0000]).value == .number(35.5))
        // 101.325 kPa = 1.58320… × 2^6: exponent 133 = 0x85, nearest float 0x42CA_A666 = 101.32499695 → 3 decimals.
        let pressure = try #require(map.point("pressure_2"))
        #expect(Self.decode(pressure, [0x42CA, 0xA666]).value == .number(101.325))
        #expect(pressure.unit == "kPa")
        // The same REAL word-swapped (CDAB) is not 12.5: the map does not swap.
        #expect(Self.decode(level, [0x0000, 0x4148]).value != .number(12.5))
    }

    @Test func tankFarmStatusWordBits() throws {
        let map = try Self.load("siemens/s7-mb-server-tank-farm.yaml")
        // Status WORD 0x0005 = bits 0 and 2: LSHH interlock tripped, interlock bypassed (联锁摘除).
        let word: [UInt16] = [0x0005]
        #expect(Self.decode(try #require(map.point("lshh_interlock_tripped_1")), word).value == .bool(true))
        #expect(Self.decode(try #require(map.point("esd_tripped_1")), word).value == .bool(false))
        #expect(Self.decode(try #require(map.point("interlock_bypassed_1")), word).value == .bool(true))
        #expect(Self.decode(try #require(map.point("pump_running_1")), word).value == .bool(false))
        // 0x0008: pump running only.
        #expect(Self.decode(try #require(map.point("pump_running_1")), [0x0008]).value == .bool(true))
        // The S7 BOOL trap (map notes): a BOOL at DBX12.0 is bit 0 of the word's HIGH byte = 0x0100.
        #expect(Self.decode(try #require(map.point("lshh_interlock_tripped_1")), [0x0100]).value == .bool(false))
        #expect(map.point("interlock_bypassed_1")?.category == .interlock)
    }

    @Test func tankFarmTransmitterFaultQualifiesOnlyItsOwnValue() throws {
        let map = try Self.load("siemens/s7-mb-server-tank-farm.yaml")
        let fault = try #require(map.point("level_tx_fault_2"))
        #expect(fault.status == .fault)
        #expect(map.qualifiedIDs(by: fault) == ["level_2"])
        // Status word 0x0010 = bit 4: level transmitter fault → tank 2 level bad.
        let flagged = Self.decode(fault, [0x0010])
        let role = try #require(Self.role(of: fault, flagged))
        let level = Self.decode(try #require(map.point("level_2")), [0x4148, 0x0000])
        #expect(Decoder.qualify(level, by: [role]).quality == .bad(.sensorFault))
    }

    // MARK: - VEGA VEGAPULS C 21 (58343-EN, 14.5–14.7)

    @Test func vegapulsLevelIsPVInBothByteOrders() throws {
        let map = try Self.load("vega/vegapuls-c21.yaml")
        // 3.75 m = 1.875 × 2^1: exponent 128 = 0x80, mantissa .111b → 0x4070_0000.
        let level = try #require(map.point("level"))
        #expect(level.table == .input)
        #expect(level.address == 2002)  // "PV … Byte Order ABCD (Big Endian)"
        #expect(Self.decode(level, [0x4070, 0x0000]).value == .number(3.75))
        // Register 106: "Primary Variable in Byte Order CDAB" — the low word first.
        let cdab = try #require(map.point("level_cdab"))
        #expect(cdab.address == 106)
        #expect(Self.decode(cdab, [0x0000, 0x4070]).value == .number(3.75))
        // PV unit code 45 = Meters (register 104).
        let unit = try #require(map.point("pv_unit"))
        #expect(unit.address == 104)
        #expect(unit.states?[45]?.label == "m")
    }

    @Test func vegapulsDeviceStatusFollowsNE107() throws {
        let map = try Self.load("vega/vegapuls-c21.yaml")
        let status = try #require(map.point("device_status"))
        #expect(status.address == 2307)
        // "Current event category: 0 = ok, 1 = failure, 2 = check, 4 = maintenance, 8 = out of spec".
        let failure = Self.decode(status, [0x0001])
        let role = try #require(Self.role(of: status, failure))
        #expect(role == .fault)
        let level = Self.decode(try #require(map.point("level")), [0x4070, 0x0000])
        #expect(Decoder.qualify(level, by: [role]).quality == .bad(.sensorFault))
        #expect(Self.role(of: status, Self.decode(status, [0x0004])) == nil)  // maintenance required: value valid
        #expect(Self.role(of: status, Self.decode(status, [0x0008])) == .overRange)
        #expect(Self.role(of: status, Self.decode(status, [0x0000])) == nil)
        // Status register 2000 bit 0: "Invalid Measurement Value PV".
        let invalid = try #require(map.point("pv_invalid"))
        #expect(invalid.address == 2000)
        #expect(Self.decode(invalid, [0x0001]).value == .bool(true))
        #expect(map.qualifiedIDs(by: invalid) == ["level"])
    }

    // MARK: - KELLER Series 30 (Communication protocol Series 30, 4.9 and 5.1 examples)

    @Test func kellerPressureFromTheManualsExample() throws {
        let map = try Self.load("keller/series-30.yaml")
        let p1 = try #require(map.point("p1"))
        #expect(p1.table == .holding)
        #expect(p1.address == 0x0002)  // "0x0002 Pressure of sensor1 HWord / LWord, P1, bar"
        #expect(p1.unit == "bar")
        // 5.1 examples, "Read P1": response bytes 63 109 177 83 = 0x3F 0x6D 0xB1 0x53 → 0.9284870 bar;
        // on Modbus the HWord comes first: registers 0x3F6D, 0xB153. The map keeps 5 decimals.
        let first = Self.decode(p1, [0x3F6D, 0xB153])
        #expect(first.value == .number(0.92849))
        #expect(first.quality == .good)
        // Second example (address 250): 63 109 186 172 → 0.9286296 bar.
        let second = try #require(Self.number(Self.decode(p1, [0x3F6D, 0xBAAC])))
        #expect(abs(second - 0.9286296) < 0.000_005)
    }

    @Test func kellerTemperatureAndChannelError() throws {
        let map = try Self.load("keller/series-30.yaml")
        let tob1 = try #require(map.point("tob1"))
        #expect(tob1.address == 0x0008)
        // 5.1 examples, "Read TOB1": 65 201 184 0 = 0x41C9_B800 → 25.21484 °C (2 decimals: 25.21).
        #expect(Self.decode(tob1, [0x41C9, 0xB800]).value == .number(25.21))
        // "channel error returns NaN, over-/underflow is represented by +/-infinity": never a number.
        let p1 = try #require(map.point("p1"))
        let nan = Self.decode(p1, [0x7FC0, 0x0000])
        #expect(nan.value == nil)
        #expect(nan.quality == .bad(.invalidValue))
        #expect(Self.decode(p1, [0x7F80, 0x0000]).quality == .bad(.invalidValue))
        #expect(Self.decode(p1, [0xFF80, 0x0000]).quality == .bad(.invalidValue))
        // Coefficients 80/81 (minimum/maximum pressure of P1) at 0x0300 + 2 × No.
        #expect(map.point("p1_min")?.address == 0x0300 + 2 * 80)
        #expect(map.point("p1_max")?.address == 0x0300 + 2 * 81)
    }

    // MARK: - Siemens SITRANS F M MAG 6000, Modbus RTU module (SFIDK.PS.023.D2.02, 6.1 and Appendix H)

    @Test func mag6000FlowFromAppendixH() throws {
        let map = try Self.load("siemens/sitrans-fm-mag6000.yaml")
        let flow = try #require(map.point("volume_flow"))
        #expect(flow.table == .holding)
        #expect(flow.address == 3002)  // "4:03003 3002 4 Float Absolute Volumeflow (m3/s)"
        #expect(flow.unit == "m³/h")
        // Appendix H: response 01 03 04 40 C3 52 93 … = 6.10383 (the manual's example reads 4:03001
        // of a MASS 6000; the float format is the same). 6.1038299 m³/s × 3600 = 21973.787 m³/h.
        let decoded = Self.decode(flow, [0x40C3, 0x5293])
        #expect(decoded.value == .number(21973.787))
        #expect(decoded.quality == .good)
        // Appendix H table: 100.0 = 42C8 0000 → 100 m³/s = 360000 m³/h; −1.0 = BF80 0000 → −3600 m³/h.
        #expect(Self.decode(flow, [0x42C8, 0x0000]).value == .number(360_000))
        #expect(Self.decode(flow, [0xBF80, 0x0000]).value == .number(-3600))
    }

    @Test func mag6000TotalizerIsABigEndianDouble() throws {
        let map = try Self.load("siemens/sitrans-fm-mag6000.yaml")
        let total = try #require(map.point("totalizer_1"))
        #expect(total.address == 3014)  // "4:03015 3014 8 Double Totalizer 1 (m3)"
        #expect(total.type == .float64)
        #expect(total.unit == "m³")
        // 12345.678 m³ as IEEE 754 double: 12345.678 = 1.507040771484375… × 2^13; exponent 1023 + 13 = 1036
        // = 0x40C; mantissa 0.507040771484375 × 2^52 = 0x81CD6C8B43958 → 0x40C8_1CD6_C8B4_3958, MSB first.
        #expect(Self.decode(total, [0x40C8, 0x1CD6, 0xC8B4, 0x3958]).value == .number(12345.678))
        #expect(map.point("totalizer_2")?.address == 3018)
        #expect(map.point("totalizer_2")?.type == .float64)
        // 6.5 Totalizer: product code 24 = MAG 6000 (register 602).
        #expect(map.point("product_code")?.states?[24]?.label == "MAG 6000")
    }

    // MARK: - Every new map cites its source

    @Test(
        "the new maps cite document, section and url",
        arguments: [
            "otis/oi-7032.yaml", "generic/analog-input-8ch-4-20ma.yaml", "siemens/s7-mb-server-tank-farm.yaml",
            "vega/vegapuls-c21.yaml", "keller/series-30.yaml", "siemens/sitrans-fm-mag6000.yaml",
        ]
    )
    func mapsCiteTheirSource(file: String) throws {
        let map = try Self.load(file)
        #expect(!map.source.document.isEmpty)
        #expect(map.source.section?.isEmpty == false)
        #expect(map.source.url?.hasPrefix("http") == true)
        #expect(map.source.notes?.isEmpty == false)
    }
}

/// The electrochemical module's register block at 0x6000, with frames encoded by hand from the
/// source's description: status 0x6000 (bit 15 = warm-up done; then bit 0 low alarm, bit 1 high
/// alarm, bit 4 over range, bit 5 sensor lost), concentration 0x6001 in ppm (0 decimals).
@Suite("Electrochemical gas module frames")
struct ElectrochemicalModuleFrameTests {
    static let map = "generic/electrochemical-gas-module.yaml"

    @Test func concentrationAndAlarmFlags() throws {
        let map = try DeviceMapLoader.load(
            path: Tools.repositoryRoot.appendingPathComponent("Devices/\(Self.map)").path
        )
        // 0x6001 = 0x0019 → 25 ppm.
        let concentration = try #require(map.point("concentration"))
        #expect(concentration.address == 0x6001)
        let value = Decoder.convert(
            Decoder.decode(registers: [0x0019], as: concentration.type, order: concentration.order),
            type: concentration.type,
            with: concentration.conversion
        )
        #expect(value.value == .number(25))
        // 0x8001: warm-up done (bit 15) and the low alarm (bit 0); no high alarm (bit 1).
        let status: [UInt16] = [0x8001]
        for (id, expected) in [
            ("warm_up_done", Value.number(1)), ("low_alarm", .bool(true)), ("high_alarm", .bool(false)),
            ("sensor_fault", .bool(false)),
        ] {
            let point = try #require(map.point(id))
            let decoded = Decoder.convert(
                Decoder.decode(registers: status, as: point.type, order: point.order),
                type: point.type,
                with: point.conversion
            )
            #expect(decoded.value == expected, "\(id)")
        }
        // 0x0000 in the status word: still warming up, which the map marks as warm-up.
        let warmUp = try #require(map.point("warm_up_done"))
        #expect(warmUp.states?[0]?.status == .warmup)
        // 0xFFFF in the concentration register is the module's fault sentinel.
        let fault = Decoder.convert(
            Decoder.decode(registers: [0xFFFF], as: concentration.type, order: concentration.order),
            type: concentration.type,
            with: concentration.conversion
        )
        #expect(fault.quality == .bad(.sensorFault))
    }
}
