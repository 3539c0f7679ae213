import Foundation
import GatewayCore
import Receiver
import Testing
import UplinkPayload

/// Sequence numbers are per gateway and log (`log_id`, issue #12 item 3): a gateway's new log starts
/// at 1 again and is stored, not refused as a replay; within one log a changed entry is still a conflict.
@Suite("ReceiverStore: sequences per gateway and log")
struct LogIdentityStoreTests {
    /// A batch of `seqs` from log `logID`, with values shifted by `offset` (other content, same numbers).
    static func batch(_ id: String, logID: String?, seqs: ClosedRange<UInt64>, offset: Double = 0) -> BatchPayload {
        var batch = Fixtures.batch(id, seqs: seqs)
        batch.logID = logID
        for index in batch.records.indices {
            batch.records[index].value = .number(Double(batch.records[index].sequence) + offset)
        }
        return batch
    }

    @Test func aNewLogsSequenceIsStoredAndReported() async throws {
        let store = try ReceiverStore(path: Fixtures.databasePath())
        let old = try await store.store(
            Self.batch("old-1", logID: "aaaa", seqs: 1...10),
            compressed: false,
            bodyBytes: 1
        )
        #expect(old.accepted == 10 && old.previousLogs.isEmpty)
        // The same numbers again, other values, from a new log: not a replay.
        let new = try await store.store(
            Self.batch("new-1", logID: "bbbb", seqs: 1...5, offset: 100),
            compressed: false,
            bodyBytes: 1
        )
        #expect(new.accepted == 5 && !new.duplicate)
        #expect(new.previousLogs == ["aaaa"], "the first batch of a new log names the logs before it")
        let next = try await store.store(
            Self.batch("new-2", logID: "bbbb", seqs: 6...8, offset: 100),
            compressed: false,
            bodyBytes: 1
        )
        #expect(next.previousLogs.isEmpty, "reported once")
        let counts = try await store.counts()
        #expect(counts.records == 18 && counts.gaps.isEmpty, "\(counts.gaps)")

        // Within one log, a changed entry under a used number is still refused.
        await #expect(throws: ReceiverStoreError.self) {
            try await store.store(
                Self.batch("new-replay", logID: "bbbb", seqs: 2...2, offset: 7),
                compressed: false,
                bodyBytes: 1
            )
        }
        // Gaps are per log and name it.
        _ = try await store.store(Self.batch("new-3", logID: "bbbb", seqs: 12...12), compressed: false, bodyBytes: 1)
        #expect(
            try await store.counts().gaps == [SequenceGap(gateway: Fixtures.gateway, from: 9, to: 11, logID: "bbbb")]
        )
    }

    @Test func aGapNamesItsLogInTheJSON() throws {
        let gap = SequenceGap(gateway: "GW-1", from: 9, to: 11, logID: "bbbb")
        let json = String(decoding: try JSONEncoder().encode(gap), as: UTF8.self)
        #expect(json == #"["GW-1",9,11,"bbbb"]"#)
        #expect(try JSONDecoder().decode(SequenceGap.self, from: Data(json.utf8)) == gap)
        let legacy = String(
            decoding: try JSONEncoder().encode(SequenceGap(gateway: "GW-1", from: 1, to: 2)),
            as: UTF8.self
        )
        #expect(legacy == #"["GW-1",1,2]"#)
    }
}
