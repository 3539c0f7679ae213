import Foundation
import GatewayCore
import Testing

@testable import Outbox

/// Issue #13 item 2: a batch id is only ever sent with one content, and never shared between gateways.
@Suite struct FrozenBatchTests {
    @Test func aBatchReadOnceComesBackUnchangedAfterNewRecords() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append((0..<5).map { reading(point: "p", at: baseTime.milliseconds - 1000 + Int64($0)) })
            let first = try #require(
                try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(10), now: baseTime)
            )
            #expect(first.sequences == Array(1...5))
            // A 503 later, more readings have arrived and the records have aged past the window: the retry is
            // still exactly the first batch, labels included.
            try await log.append((0..<5).map { reading(point: "p", at: baseTime.milliseconds + Int64($0)) })
            let later = Timestamp(milliseconds: baseTime.milliseconds + 60_000)
            let retry = try #require(
                try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(10), now: later)
            )
            #expect(retry == first)
            #expect(retry.records.allSatisfy { !$0.backfill })
            try await log.acknowledge(retry, destination: "park")
            let next = try #require(
                try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(10), now: later)
            )
            #expect(next.sequences == Array(6...10))
            #expect(next.batchID != first.batchID)
        }
    }

    @Test func batchesInFlightAreSkippedAndNeverOverlap() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append((0..<9).map { reading(point: "p\($0 % 3)", at: baseTime.milliseconds - 100) })
            let a = try #require(try await log.nextBatch(for: "park", maxRecords: 3, liveWindow: .seconds(10)))
            let b = try #require(
                try await log.nextBatch(for: "park", maxRecords: 3, liveWindow: .seconds(10), excluding: [a.batchID])
            )
            #expect(a.sequences == [1, 2, 3])
            #expect(b.sequences == [4, 5, 6])
            // Nothing excluded: the oldest frozen batch comes back.
            #expect(try await log.nextBatch(for: "park", maxRecords: 3, liveWindow: .seconds(10)) == a)
            try await log.acknowledge(a, destination: "park")
            let c = try #require(
                try await log.nextBatch(for: "park", maxRecords: 3, liveWindow: .seconds(10), excluding: [b.batchID])
            )
            #expect(c.sequences == [7, 8, 9])
            #expect(try await log.nextBatch(for: "park", maxRecords: 3, liveWindow: .seconds(10)) == b)
        }
    }

    @Test func aSplitBatchComesBackInHalvesUnderNewIDs() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append((0..<8).map { reading(point: "p", at: baseTime.milliseconds - 100 + Int64($0)) })
            let whole = try #require(try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(10)))
            let (first, second) = try #require(try await log.split(whole, destination: "park"))
            #expect(first.sequences == [1, 2, 3, 4])
            #expect(second.sequences == [5, 6, 7, 8])
            #expect(Set([whole.batchID, first.batchID, second.batchID]).count == 3)
            #expect(try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(10)) == first)
            try await log.acknowledge(first, destination: "park")
            #expect(try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(10)) == second)
            let (one, _) = try #require(try await log.split(second, destination: "park"))
            let (single, _) = try #require(try await log.split(one, destination: "park"))
            #expect(single.records.count == 1)
            #expect(try await log.split(single, destination: "park") == nil)
        }
    }

    @Test func twoGatewaysFromOneLogImageNeverShareABatchID() async throws {
        try await withTemporaryDirectory { directory in
            // A gateway image cloned with its (empty) log: the same log_id, the same sequence numbers.
            let original = logPath(in: directory)
            try DurableLog(path: original, options: LogOptions(gateway: "GW-A")).close()
            let clone = directory.appendingPathComponent("clone.sqlite").path
            try FileManager.default.copyItem(atPath: original, toPath: clone)
            let a = try DurableLog(path: original, options: LogOptions(gateway: "GW-A"))
            let b = try DurableLog(path: clone, options: LogOptions(gateway: "GW-B"))
            #expect(a.logID == b.logID)
            for log in [a, b] {
                try await log.append((0..<3).map { reading(point: "p", at: baseTime.milliseconds + Int64($0)) })
            }
            let fromA = try #require(try await a.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(10)))
            let fromB = try #require(try await b.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(10)))
            #expect(fromA.sequences == fromB.sequences)
            #expect(fromA.batchID != fromB.batchID)
            #expect(fromA.batchID.hasPrefix("GW-A-park-1-3-3-"))
            #expect(fromB.batchID.hasPrefix("GW-B-park-1-3-3-"))
        }
    }

    @Test func batchIDsStayInTheProtocolsAlphabet() {
        let id = Batch.id(gateway: "网关 1/北", destination: "park", sequences: [1, 2])
        #expect(id.count <= 128)
        #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._:-".contains($0)) })
        #expect(id.first?.isLetter == true || id.first?.isNumber == true)
        #expect(id != Batch.id(gateway: "网关 2/北", destination: "park", sequences: [1, 2]))
    }
}
