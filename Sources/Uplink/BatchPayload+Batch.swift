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
            events: batch.records.compactMap { record in
                guard case .event(let event) = record.payload else { return nil }
                var item = BatchEvent(event: event)
                item.sequence = UInt64(record.sequence)
                return item
            },
            records: batch.records.compactMap { record in
                guard case .reading(let reading) = record.payload else { return nil }
                var item = BatchRecord(reading: reading, backfill: record.backfill)
                item.sequence = UInt64(record.sequence)
                return item
            }
        )
    }
}

extension BatchPayload {
    /// The JSON body of ``init(batch:gateway:enterprise:logID:sentAt:)``, byte for byte, written straight
    /// from the batch's records: no array of payload records (1 MB for 5,000 readings) is built first.
    public static func encodedBytes(
        batch: Batch,
        gateway: String,
        enterprise: String,
        logID: String?,
        sentAt: Timestamp = .now()
    ) -> [UInt8] {
        let records = batch.records
        var events: [BatchEvent] = []
        var readings = 0
        for index in records.indices {
            switch records[index].payload {
            case .event(let event):
                var item = BatchEvent(event: event)
                item.sequence = UInt64(records[index].sequence)
                events.append(item)
            case .reading:
                readings += 1
            }
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
        return header.writeJSON(recordCount: readings) { write in
            for index in records.indices {
                guard case .reading(let reading) = records[index].payload else { continue }
                var item = BatchRecord(reading: reading, backfill: records[index].backfill)
                item.sequence = UInt64(records[index].sequence)
                write(item)
            }
        }
    }
}
