public import GatewayCore
public import Outbox
public import UplinkPayload

extension BatchPayload {
    /// The `chemgate.batch/1` payload of a batch read from the log: its events and readings with their
    /// log sequence numbers, under the batch's id (what the HTTP forwarder posts).
    public init(batch: Batch, gateway: String, enterprise: String, logID: String?, sentAt: Timestamp = .now()) {
        self.init(
            gateway: gateway,
            enterprise: enterprise,
            logID: logID,
            batchID: batch.batchID,
            sentAt: sentAt,
            events: batch.records.compactMap(\.batchEvent),
            records: batch.records.compactMap(\.batchRecord)
        )
    }
}

extension Record {
    /// This record as the payload's event, with its log sequence number; nil for a reading.
    var batchEvent: BatchEvent? {
        guard case .event(let event) = payload else { return nil }
        var item = BatchEvent(event: event)
        item.sequence = UInt64(sequence)
        return item
    }

    /// This record as the payload's reading, with its log sequence number; nil for an event.
    var batchRecord: BatchRecord? {
        guard case .reading(let reading) = payload else { return nil }
        var item = BatchRecord(reading: reading, backfill: backfill)
        item.sequence = UInt64(sequence)
        return item
    }
}

extension BatchPayload {
    /// The JSON body of ``init(batch:gateway:enterprise:logID:sentAt:)``, byte for byte, written straight
    /// from the batch's readings: no array of payload records (1 MB for 5,000 readings) is built first, nor
    /// a payload record for each reading.
    public static func encodedBytes(
        batch: Batch,
        gateway: String,
        enterprise: String,
        logID: String?,
        sentAt: Timestamp = .now()
    ) -> [UInt8] {
        let records = batch.records
        var events: [BatchEvent] = []
        for index in records.indices {
            if let event = records[index].batchEvent { events.append(event) }
        }
        let header = BatchPayload(
            gateway: gateway,
            enterprise: enterprise,
            logID: logID,
            batchID: batch.batchID,
            firstSeq: batch.sequences.first.map { UInt64($0) } ?? 0,
            lastSeq: batch.sequences.last.map { UInt64($0) } ?? 0,
            sentAt: sentAt,
            events: events,
            records: []
        )
        return header.writeJSON(recordCount: records.count - events.count) { write in
            for index in records.indices {
                if case .reading(let reading) = records[index].payload {
                    write(reading, UInt64(records[index].sequence), records[index].backfill)
                }
            }
        }
    }
}
