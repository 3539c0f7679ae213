import Foundation
import GatewayCore
import Testing

@testable import Outbox

/// Issue #19: with several batches in flight, a new batch never takes a record of a point (or an event
/// of a device) that a batch in flight holds; and the log tells a forwarder when records were appended.
@Suite struct InFlightOrderTests {
    @Test func aNewBatchSkipsThePointsABatchInFlightHolds() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let at = baseTime.milliseconds - 100
            // p0 p1 p2 p0 p1 p2 …: three readings of each point, then an alarm of device "dev" and one of "other".
            try await log.append((0..<9).map { reading(point: "p\($0 % 3)", at: at + Int64($0)) })
            let first = try #require(
                try await log.nextBatch(for: "park", maxRecords: 2, liveWindow: .seconds(10), now: baseTime)
            )
            #expect(first.sequences == [1, 2])  // p0 and p1
            try await log.append([alarm(device: "dev", at: at + 20), alarm(device: "other", at: at + 21)])
            let second = try #require(
                try await log.nextBatch(
                    for: "park",
                    maxRecords: 100,
                    liveWindow: .seconds(10),
                    now: baseTime,
                    excluding: [first.batchID],
                    holding: [first.orderKeys]
                )
            )
            // Not p0 or p1 (held by the first batch), all of p2, both events (the first holds no event).
            #expect(second.sequences == [3, 6, 9, 10, 11])
            let third = try await log.nextBatch(
                for: "park",
                maxRecords: 100,
                liveWindow: .seconds(10),
                now: baseTime,
                excluding: [first.batchID, second.batchID],
                holding: [first.orderKeys, second.orderKeys]
            )
            #expect(third == nil, "every pending record is of a held point")
            // The events of device "dev" are held by the second batch; "other"'s were taken with them.
            try await log.append([alarm(.alarmCleared, device: "dev", at: at + 30)])
            let held = try await log.nextBatch(
                for: "park",
                maxRecords: 100,
                liveWindow: .seconds(10),
                now: baseTime,
                excluding: [first.batchID, second.batchID],
                holding: [first.orderKeys, second.orderKeys]
            )
            #expect(held == nil, "an event of a device whose events are in flight waits")
            // Once the first is answered, the rest of p0 and p1 follow in sequence order.
            try await log.acknowledge(first, destination: "park")
            let fourth = try #require(
                try await log.nextBatch(
                    for: "park",
                    maxRecords: 100,
                    liveWindow: .seconds(10),
                    now: baseTime,
                    excluding: [second.batchID],
                    holding: [second.orderKeys]
                )
            )
            #expect(fourth.sequences == [4, 5, 7, 8])
        }
    }

    @Test func anAppendWatchYieldsOnceACommitAppendedRecords() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let watch = try await log.appendWatch()
            var appends = watch.appends.makeAsyncIterator()
            // Reading a batch and acknowledging it write to the log but append nothing.
            try await log.append([reading(point: "p", at: baseTime.milliseconds)])
            #expect(await appends.next() != nil)
            let batch = try #require(try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(10)))
            try await log.acknowledge(batch, destination: "park")
            // The next wake-up is the next append's, 300 ms later, not one for the read or the acknowledgement.
            let start = ContinuousClock.now
            let later = Task {
                try await Task.sleep(for: .milliseconds(300))
                try await log.append([alarm(at: baseTime.milliseconds)])
            }
            #expect(await appends.next() != nil)
            #expect(ContinuousClock.now - start >= .milliseconds(290), "woken without an append")
            try await later.value
        }
    }
}
