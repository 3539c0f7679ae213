import Foundation
import GatewayCore
import Receiver
import Testing
import UplinkPayload

@Suite("ReceiverStore")
struct ReceiverStoreTests {
    @Test func concurrentRetriesAreStoredOnce() async throws {
        let store = try ReceiverStore(path: Fixtures.databasePath())
        let batch = Fixtures.batch("race", seqs: 1...50, events: [25])
        let outcomes = try await withThrowingTaskGroup(of: BatchOutcome.self) { group in
            for _ in 0..<8 {
                group.addTask { try await store.store(batch, compressed: false, bodyBytes: 1) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { !$0.duplicate } == [BatchOutcome(accepted: 50, duplicate: false)])
        #expect(outcomes.filter(\.duplicate).count == 7)
        let counts = try await store.counts()
        #expect(counts.records == 49 && counts.events == 1 && counts.duplicates == 7 && counts.batches == 1)
    }

    @Test func duplicatesAreRecognisedAfterARestart() async throws {
        let path = Fixtures.databasePath()
        let batch = Fixtures.batch("persisted", seqs: 1...5)
        do {
            let store = try ReceiverStore(path: path)
            #expect(try await store.store(batch, compressed: true, bodyBytes: 10).accepted == 5)
        }
        let reopened = try ReceiverStore(path: path)
        #expect(try await reopened.store(batch, compressed: false, bodyBytes: 10).duplicate)
        #expect(try await reopened.readings(gateway: Fixtures.gateway) == batch.readings)
        #expect(try await reopened.batch(id: "persisted")?.compressed == true)
    }

    @Test func gapsPerGateway() async throws {
        let store = try ReceiverStore(path: Fixtures.databasePath())
        var other = Fixtures.batch("other", seqs: 1...3)
        other.gateway = "GW-2"
        var otherLater = Fixtures.batch("other-later", seqs: 7...7)
        otherLater.gateway = "GW-2"
        for batch in [Fixtures.batch("a", seqs: 1...10), Fixtures.batch("b", seqs: 15...20), other, otherLater] {
            _ = try await store.store(batch, compressed: false, bodyBytes: 1)
        }
        #expect(
            try await store.counts().gaps == [
                SequenceGap(gateway: "GW-1", from: 11, to: 14), SequenceGap(gateway: "GW-2", from: 4, to: 6),
            ]
        )
    }

    @Test func recordsArrivingBehindALaterOneOfTheSamePointAreOutOfOrder() async throws {
        let store = try ReceiverStore(path: Fixtures.databasePath())
        // 11…20 first, then 1…10 of the same point: ten records arrive behind seq 20.
        for batch in [Fixtures.batch("late", seqs: 11...20), Fixtures.batch("early", seqs: 1...10)] {
            _ = try await store.store(batch, compressed: false, bodyBytes: 1)
        }
        #expect(try await store.counts().outOfOrder == 10)
        let inOrder = try ReceiverStore(path: Fixtures.databasePath())
        for batch in [Fixtures.batch("early", seqs: 1...10), Fixtures.batch("late", seqs: 11...20)] {
            _ = try await inOrder.store(batch, compressed: false, bodyBytes: 1)
        }
        #expect(try await inOrder.counts().outOfOrder == 0)
    }
}
