/// What the uplink sends in one request to one destination.
///
/// A batch's membership is frozen in the log the first time it is read (``DurableLog/nextBatch(for:maxRecords:maxBytes:liveWindow:now:excluding:holding:)``):
/// until it is acknowledged, dead-lettered or split, every read returns exactly the same records with the
/// same `backfill` labels under the same id, so a platform that deduplicates by `Idempotency-Key` never
/// sees one id with two contents.
public struct Batch: Sendable, Hashable {
    /// The destination the batch was read for.
    public var destination: String
    /// Events first (oldest first), then live readings, then backlog readings (in sequence order).
    public var records: [Record]
    /// The sequence numbers the batch contains, ascending.
    public var sequences: [Int64]
    /// `<gateway>-<destination>-<first>-<last>-<count>-<hash>`: the same gateway, destination, log and
    /// sequence numbers always give the same id (the hash is FNV-1a 64 of the four), so the platform can
    /// drop a retried batch it already has; a new log's batches (the same numbers again) get other ids,
    /// and two gateways sending to one platform under the same uplink id never share one.
    public var batchID: String

    /// Makes a batch of `records` for `destination` from the log `logID` of `gateway` and derives its id.
    public init(destination: String, records: [Record], logID: String = "", gateway: String = "") {
        self.destination = destination
        self.records = records
        self.sequences = records.map(\.sequence).sorted()
        self.batchID = Self.id(gateway: gateway, destination: destination, sequences: sequences, logID: logID)
    }

    /// The sequence numbers of the batch's records of `lane`, in batch order (read in place: a filter of
    /// the records, or a loop over them, copies each record, 1 MB for 5,000 readings).
    func sequences(of lane: Lane) -> [Int64] {
        var found: [Int64] = []
        found.reserveCapacity(records.count)
        for index in records.indices where records[index].lane == lane { found.append(records[index].sequence) }
        return found
    }

    /// The id of a batch holding `sequences` (ascending) for `destination` from the log `logID` of
    /// `gateway` (left out of the id when empty). At most 128 characters of `A-Z a-z 0-9 . _ : -`: other
    /// characters of the names become `_` and each name is cut to 40 characters (the hash covers them whole).
    public static func id(gateway: String = "", destination: String, sequences: [Int64], logID: String = "") -> String {
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
        if !gateway.isEmpty {
            for byte in gateway.utf8 { mix(byte) }
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
        let prefix = gateway.isEmpty ? "" : safe(gateway) + "-"
        return
            "\(prefix)\(safe(destination))-\(sequences.first ?? 0)-\(sequences.last ?? 0)-\(sequences.count)-\(padded)"
    }

    /// `name` in the batch id's alphabet, at most 40 characters, starting alphanumeric.
    private static func safe(_ name: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")
        var text = String(name.prefix(40).map { allowed.contains($0) ? $0 : "_" })
        if let first = text.first, !(first.isLetter || first.isNumber) || !allowed.contains(first) {
            text = "g" + text.dropFirst()
        }
        return text.isEmpty ? "g" : text
    }
}
