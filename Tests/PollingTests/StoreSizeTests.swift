import GatewayCore
import Testing

@testable import Polling

/// What queued while a store was held up goes in stores of at most ``DeliveryWriter/storeReadings``
/// readings, in order, each delivery whole: one commit of several poll cycles took the log's WAL past
/// its limit after the size cap held the writer for three seconds (BENCHMARKS.md, round 12).
@Suite("Stores of a bounded size")
struct StoreSizeTests {
    static func delivery(_ readings: Int, device: String, events: Int = 0) -> PointProcessor.Delivery {
        let now = Timestamp(milliseconds: 1_795_392_000_000)
        return PointProcessor.Delivery(
            events: (0..<events).map { _ in
                GatewayEvent(kind: .alarmRaised, gateway: "gw", device: device, timestamp: now, reason: "test")
            },
            readings: (0..<readings).map {
                Reading(
                    gateway: "gw",
                    device: device,
                    point: "p\($0)",
                    value: .number(1),
                    quality: .good,
                    timestamp: now
                )
            }
        )
    }

    @Test func readingsQueuedBehindAHeldStoreGoInStoresOfTheLimitInOrder() {
        // Three cycles of 100 devices × 100 points queued at once.
        let batch = (0..<300).map { Self.delivery(100, device: "d\($0)") }
        let groups = DeliveryWriter.inOrder(batch, maxReadings: 10_000)
        #expect(groups.map { $0.reduce(0) { $0 + $1.readings.count } } == [10_000, 10_000, 10_000])
        #expect(groups.flatMap { $0.map { $0.readings[0].device } } == batch.map { $0.readings[0].device })
    }

    @Test func aDeliveryLargerThanTheLimitIsNotCut() {
        let batch = [
            Self.delivery(50, device: "a"), Self.delivery(1500, device: "big"), Self.delivery(50, device: "c"),
        ]
        let groups = DeliveryWriter.inOrder(batch, maxReadings: 1000)
        #expect(groups.map { $0.map { $0.readings.count } } == [[50], [1500], [50]])
    }

    @Test func anEventStillStartsAStoreAfterReadingsAndTheLimitCountsFromIt() {
        let batch = [
            Self.delivery(600, device: "a"),
            Self.delivery(1, device: "b", events: 1),
            Self.delivery(600, device: "c"),
            Self.delivery(600, device: "d"),
        ]
        let groups = DeliveryWriter.inOrder(batch, maxReadings: 1000)
        #expect(groups.map { $0.map { $0.readings[0].device } } == [["a"], ["b", "c"], ["d"]])
        // Nothing queued over the limit: one store, as before.
        #expect(DeliveryWriter.inOrder(Array(batch[2...]), maxReadings: 1200).count == 1)
    }

    @Test func theWritersLimitIsAPollCycleOfTenThousandPoints() {
        #expect(DeliveryWriter.storeReadings == 10_000)
        let cycle = (0..<100).map { Self.delivery(100, device: "d\($0)") }
        #expect(DeliveryWriter.inOrder(cycle).count == 1)
        #expect(DeliveryWriter.inOrder(cycle + cycle).count == 2)
    }
}
