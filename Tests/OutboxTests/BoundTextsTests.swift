import Testing

@testable import Outbox

/// ``BoundTexts`` keeps every text where it first put it until it is rewound, across chunks.
@Suite struct BoundTextsTests {
    @Test func everyTextStaysWhereItWasKeptUntilTheRewind() throws {
        let texts = BoundTexts()
        var kept: [(address: UnsafeRawPointer, bytes: [UInt8])] = []
        for round in 0..<3 {
            let lengths = [1, 15, 16, 700, BoundTexts.chunkBytes, 3, BoundTexts.chunkBytes + 1, 9_000, 9_000, 1]
            for (index, length) in lengths.enumerated() {
                let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index &+ round) }
                let address = bytes.withUnsafeBytes { texts.keep($0) }
                kept.append((address, bytes))
            }
            for (address, bytes) in kept {
                #expect(Array(UnsafeRawBufferPointer(start: address, count: bytes.count)) == bytes)
            }
            // Chunks are reused after a rewind: the first text of the next round goes where this one's did.
            let first = kept[0].address
            texts.rewind()
            kept = []
            let again = [UInt8(7)].withUnsafeBytes { texts.keep($0) }
            #expect(again == first)
            texts.rewind()
        }
    }
}
