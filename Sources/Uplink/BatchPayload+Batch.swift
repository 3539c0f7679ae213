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
