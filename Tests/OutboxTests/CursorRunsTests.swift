import GatewayCore
import Testing

@testable import Outbox

@Suite("Cursor runs: the sequence numbers of an acknowledgement as ranges")
struct CursorRunsTests {
    @Test func consecutiveNumbersInAnyOrderMakeOneRunAndGapsSplitIt() {
        #expect(Cursor.runs([7, 5, 6, 9, 10, 1]) == [1...1, 5...7, 9...10])
    }

    @Test func aNumberListedTwiceCountsOnce() {
        #expect(Cursor.runs([3, 4, 4, 5, 3, 8, 8]) == [3...5, 8...8])
        #expect(Cursor.runs([2, 2]) == [2...2])
        #expect(Cursor.runs([]) == [])
    }

    @Test func aBatchsNumbersAreSplitByLaneInBatchOrder() {
        let batch = Batch(
            destination: "park",
            records: [
                Record(sequence: 12, payload: .event(alarm(at: 1))),
                Record(sequence: 9, payload: .event(alarm(at: 2))),
                Record(sequence: 10, payload: .reading(reading(point: "a", at: 1))),
                Record(sequence: 3, payload: .reading(reading(point: "b", at: 1))),
            ]
        )
        #expect(batch.sequences(of: .event) == [12, 9])
        #expect(batch.sequences(of: .reading) == [10, 3])
    }
}
