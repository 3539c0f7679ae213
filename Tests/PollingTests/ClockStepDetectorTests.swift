import GatewayCore
import Polling
import Synchronization
import TestSupport
import Testing

/// Steps of the wall clock against the monotonic clock, from injected pairs of clock readings.
@Suite("Clock steps and synchronisation")
struct ClockStepDetectorTests {
    /// 2026-12-03T13:00:00Z.
    static let wall: Int64 = 1_796_302_800_000

    @Test func clocksAdvancingTogetherOrSlewingAreNoStep() {
        var detector = ClockStepDetector()
        #expect(detector.observe(wallMilliseconds: Self.wall, monotonic: .zero) == nil)
        for second in 1...120 {
            // NTP slews at most 0.5 ms per second: two minutes of it are 60 ms.
            let slewed = Self.wall + Int64(second) * 1000 + Int64(second) / 2
            #expect(detector.observe(wallMilliseconds: slewed, monotonic: .seconds(second)) == nil)
        }
        #expect(detector.lastStep == nil)
        #expect(detector.condition(synchronized: true, at: .seconds(120)) == nil)
        #expect(detector.condition(synchronized: nil, at: .seconds(120)) == nil, "unknown: no flag")
        #expect(detector.condition(synchronized: false, at: .seconds(120)) == .unsynchronised)
    }

    @Test func aForwardAndABackwardStepAreDetectedWithTheirSize() {
        var detector = ClockStepDetector()
        _ = detector.observe(wallMilliseconds: Self.wall, monotonic: .zero)
        _ = detector.observe(wallMilliseconds: Self.wall + 1000, monotonic: .seconds(1))
        // Between two samples one second apart, the wall clock moved 1 h 1 s: set forward by an hour.
        let forward = detector.observe(wallMilliseconds: Self.wall + 3_602_000, monotonic: .seconds(2))
        #expect(forward?.milliseconds == 3_600_000)
        #expect(forward?.detectedAt == .seconds(2))
        // Then 4.5 s back (an NTP step), between samples 500 ms apart.
        let backward = detector.observe(wallMilliseconds: Self.wall + 3_602_000 - 4000, monotonic: .milliseconds(2500))
        #expect(backward?.milliseconds == -4500)
        #expect(detector.observe(wallMilliseconds: Self.wall + 3_599_500, monotonic: .milliseconds(3500)) == nil)
    }

    @Test func readingsAreFlaggedSteppedForTheWindowAfterAStepThenAsTheKernelSays() {
        var detector = ClockStepDetector(threshold: .seconds(1), window: .seconds(60))
        _ = detector.observe(wallMilliseconds: Self.wall, monotonic: .seconds(10))
        #expect(detector.observe(wallMilliseconds: Self.wall + 3000, monotonic: .seconds(11)) != nil)
        #expect(detector.condition(synchronized: true, at: .seconds(11)) == .stepped)
        #expect(detector.condition(synchronized: false, at: .seconds(70)) == .stepped, "a step says more")
        #expect(detector.condition(synchronized: true, at: .seconds(72)) == nil)
        #expect(detector.condition(synchronized: false, at: .seconds(72)) == .unsynchronised)
    }

    @Test func aDifferenceJustAtTheThresholdIsNoStep() {
        var detector = ClockStepDetector(threshold: .seconds(1))
        _ = detector.observe(wallMilliseconds: Self.wall, monotonic: .zero)
        #expect(detector.observe(wallMilliseconds: Self.wall + 2000, monotonic: .seconds(1)) == nil)
        #expect(detector.observe(wallMilliseconds: Self.wall + 4001, monotonic: .seconds(2)) != nil)
    }

    @Test func theWatchFlagsReadingsWhenTheClockIsUnsynchronised() {
        let unsynchronised = ClockWatch(synchronization: { false })
        #expect(unsynchronised.sample().condition == .unsynchronised)
        #expect(unsynchronised.sample().step == nil)
        let synchronised = ClockWatch(synchronization: { true })
        #expect(synchronised.sample().condition == nil)
    }
}

/// The processor's side: a step of the (injected) wall clock is a `clock_step` event with its size,
/// and the readings that follow carry `clock: stepped`.
@Suite("Clock steps reach the event stream")
struct ClockStepEventTests {
    /// A wall clock the test can set forward.
    final class SteppableWall: Sendable {
        let offset = Mutex<Int64>(0)
        func now() -> Int64 { Timestamp.now().milliseconds + offset.withLock { $0 } }
    }

    @Test func aStepIsAnEventAndTheNextReadingsAreFlagged() async throws {
        let wall = SteppableWall()
        let watch = ClockWatch(synchronization: { true }, wall: { wall.now() })
        let site = try PollingFixture.site(
            """
            links: [ { id: plc, endpoint: "tcp://127.0.0.1:1" } ]
            scan_classes: { fast: 1s }
            default_scan: fast
            devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
            """
        )
        let processor = PointProcessor(site: site, origin: .now, clockWatch: watch)
        var deliveries = processor.deliveries.makeAsyncIterator()
        await processor.mark(device: "u1", quality: .bad(.demoted))
        let before = await deliveries.next()
        #expect(before?.events.isEmpty == true)
        #expect(before?.readings.allSatisfy { $0.clock == nil } == true, "a synchronised clock: no flag")

        wall.offset.withLock { $0 = -90_000 }  // set back by a minute and a half
        await processor.tick()
        let step = await deliveries.next()
        let event = try #require(step?.events.first)
        #expect(event.kind == .clockStep)
        // The real clocks move a millisecond or so between two samples.
        guard case .number(let seconds)? = event.value else { throw TestFailure("no step size: \(event)") }
        #expect(abs(seconds + 90) < 0.05, "\(seconds)")
        #expect(event.unit == "s")
        // The size in the text is the measured one (89.999 s or 90.001 s as the samples fall); `value` is checked above.
        #expect(event.reason.hasPrefix("the wall clock jumped backward "), "\(event.reason)")
        #expect(event.reason.contains(" s against the monotonic clock"), "\(event.reason)")

        await processor.mark(device: "u1", quality: .bad(.timeout))
        let after = await deliveries.next()
        #expect(after?.events.isEmpty == true, "one event per step")
        #expect(after?.readings.isEmpty == false)
        #expect(after?.readings.allSatisfy { $0.clock == .stepped && $0.quality == .bad(.timeout) } == true)
    }
}
