/// What the uplink sends in one request to one destination.
public struct Batch: Sendable, Hashable {
    /// The destination the batch was read for.
    public var destination: String
    /// Events first (oldest first), then live readings, then backlog readings (in sequence order).
    public var records: [Record]
    /// The sequence numbers the batch contains, ascending.
    public var sequences: [Int64]
    /// `<destination>-<first>-<last>-<count>-<hash>`: the same destination, log and sequence numbers
    /// always give the same id (the hash is FNV-1a 64 of the three), so the platform can drop a retried
    /// batch it already has; a new log's batches (the same numbers again) get other ids.
    public var batchID: String

    /// Makes a batch of `records` for `destination` from the log `logID` and derives its id.
    public init(destination: String, records: [Record], logID: String = "") {
        self.destination = destination
        self.records = records
        self.sequences = records.map(\.sequence).sorted()
        self.batchID = Self.id(destination: destination, sequences: sequences, logID: logID)
    }

    /// The id of a batch holding `sequences` (ascending) for `destination` from the log `logID`.
    public static func id(destination: String, sequences: [Int64], logID: String = "") -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        for byte in destination.utf8 { mix(byte) }
        mix(0)
        if !logID.isEmpty {
            for byte in logID.utf8 { mix(byte) }
            mix(0)
        }
        for sequence in sequences {
            var value = UInt64(bitPattern: sequence)
            for _ in 0..<8 {
                mix(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: 16 - hex.count) + hex
        return "\(destination)-\(sequences.first ?? 0)-\(sequences.last ?? 0)-\(sequences.count)-\(padded)"
    }
}
