import Decoding
import GatewayCore
import Testing

@Suite("Qualify by device status")
struct QualifyTests {
    static let reading = RawReading(value: .unsigned(12000), bits: 12000)
    static let good = DecodedValue(value: .number(50), quality: .good, raw: reading, signals: [.alarm1])

    static let cases: [(roles: Set<StatusRole>, quality: Quality)] = [
        ([.inhibit], .uncertain(.inhibited)),
        ([.fault, .inhibit], .bad(.sensorFault)),
        ([.alarm1], .good),
        ([.alarm1, .alarm2], .good),
        ([], .good),
        ([.commFault], .bad(.communicationFailure)),
        ([.warmup, .alarm2], .uncertain(.warmup)),
    ]

    @Test(
        "roles from elsewhere on the device: the worst quality wins, the value and signals are kept",
        arguments: cases
    )
    func qualify(roles: Set<StatusRole>, quality: Quality) {
        let qualified = Decoder.qualify(Self.good, by: roles)
        #expect(qualified.quality == quality)
        #expect(qualified.value == .number(50))
        #expect(qualified.raw == Self.reading)
        #expect(qualified.signals == [.alarm1])
    }

    @Test("a tie between roles is settled by declaration order, not set order")
    func tie() {
        #expect(Decoder.qualify(Self.good, by: [.maintenance, .warmup]).quality == .uncertain(.warmup))
        #expect(Decoder.qualify(Self.good, by: [.maintenance, .warmup, .inhibit]).quality == .uncertain(.inhibited))
        #expect(Decoder.qualify(Self.good, by: [.commFault, .fault]).quality == .bad(.sensorFault))
    }

    @Test("a value's own worse or equal quality is kept")
    func ownQualityKept() {
        var invalid = Self.good
        invalid.value = nil
        invalid.quality = .bad(.invalidValue)
        #expect(Decoder.qualify(invalid, by: [.inhibit, .fault]) == invalid)
        var outOfRange = Self.good
        outOfRange.quality = .uncertain(.outOfRange)
        #expect(Decoder.qualify(outOfRange, by: [.warmup]).quality == .uncertain(.outOfRange))
        #expect(Decoder.qualify(outOfRange, by: [.fault]).quality == .bad(.sensorFault))
    }
}
