import Testing

@testable import Modbus

@Suite struct LinkStatisticsTests {
    @Test func percentilesAreOverTheLast256RoundTripsOnly() {
        var statistics = LinkStatistics()
        for _ in 0..<300 { statistics.recordRoundTrip(.milliseconds(1)) }
        #expect(statistics.recentRoundTrips.count == 256)
        #expect(statistics.roundTripPercentile(0.5) == .milliseconds(1))
        // 200 slow ones replace the 200 oldest of the 256 kept.
        for _ in 0..<200 { statistics.recordRoundTrip(.milliseconds(9)) }
        #expect(statistics.recentRoundTrips.count == 256)
        #expect(statistics.recentRoundTrips.filter { $0 == .milliseconds(9) }.count == 200)
        #expect(statistics.roundTripPercentile(0.5) == .milliseconds(9))
        #expect(statistics.roundTripPercentile(0) == .milliseconds(1))
        // 56 more: no fast one is left.
        for _ in 0..<56 { statistics.recordRoundTrip(.milliseconds(9)) }
        #expect(statistics.roundTripPercentile(0) == .milliseconds(9))
        #expect(statistics.lastRoundTrip == .milliseconds(9))
    }
}
