public import Foundation
public import GatewayCore

/// A batch of events and readings from one gateway, as it is POSTed to `{base}/batches`
/// (`chemgate.batch/1`, described in `docs/uplink-protocol.md` and `docs/batch.schema.json`).
///
/// Decoding checks what the schema checks and more: every `seq` is unique within the batch (events
/// and records share one sequence) and lies within `first_seq...last_seq`. The range is the part
/// of the gateway's sequence the batch covers: a number in it that arrives in no batch is lost.
public struct BatchPayload: Codable, Sendable, Hashable {
    /// The value of `schema`.
    public static let schema = "chemgate.batch/1"

    /// The gateway's name (`GW-1`).
    public var gateway: String
    /// The enterprise's unified social credit code (统一社会信用代码).
    public var enterprise: String
    /// The identity of the gateway's durable log the sequence numbers belong to (`log_id`): a new
    /// log has a new one and starts its sequence again. Nil for gateways that do not send it.
    public var logID: String?
    /// Unique per batch and stable across its retries; sent again as `Idempotency-Key`.
    public var batchID: String
    /// The start of the sequence range the batch covers (at most its lowest `seq`).
    public var firstSeq: UInt64
    /// The end of the sequence range the batch covers (at least its highest `seq`).
    public var lastSeq: UInt64
    /// When this attempt was sent (it changes between retries; the content does not).
    public var sentAt: Timestamp
    /// Alarms and state changes.
    public var events: [BatchEvent]
    /// Readings.
    public var records: [BatchRecord]

    /// Creates a batch from its fields as they are written.
    public init(
        gateway: String,
        enterprise: String,
        logID: String? = nil,
        batchID: String,
        firstSeq: UInt64,
        lastSeq: UInt64,
        sentAt: Timestamp,
        events: [BatchEvent],
        records: [BatchRecord]
    ) {
        self.gateway = gateway
        self.enterprise = enterprise
        self.logID = logID
        self.batchID = batchID
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.sentAt = sentAt
        self.events = events
        self.records = records
    }

    /// Creates a batch whose `firstSeq` and `lastSeq` are those of its content (0 when empty,
    /// which no receiver accepts).
    public init(
        gateway: String,
        enterprise: String,
        logID: String? = nil,
        batchID: String,
        sentAt: Timestamp,
        events: [BatchEvent] = [],
        records: [BatchRecord] = []
    ) {
        let sequences = events.map(\.sequence) + records.map(\.sequence)
        self.init(
            gateway: gateway,
            enterprise: enterprise,
            logID: logID,
            batchID: batchID,
            firstSeq: sequences.min() ?? 0,
            lastSeq: sequences.max() ?? 0,
            sentAt: sentAt,
            events: events,
            records: records
        )
    }

    /// The readings the batch carries, with the batch's gateway.
    public var readings: [Reading] { records.map { $0.reading(gateway: gateway) } }

    /// The events the batch carries, with the batch's gateway.
    public var gatewayEvents: [GatewayEvent] { events.map { $0.gatewayEvent(gateway: gateway) } }

    /// The JSON body: UTF-8, keys sorted, absent optionals left out. The same bytes as its
    /// `Encodable` conformance through `JSONEncoder` (sorted keys, slashes unescaped), written directly.
    public func encode() -> Data { Data(writeJSON()) }

    /// ``encode()`` as bytes, for a request body.
    public func encodedBytes() -> [UInt8] { writeJSON() }

    /// Decodes and checks a body.
    /// - Throws: `PayloadError` naming the first offending field.
    public static func decode(from data: Data) throws(PayloadError) -> BatchPayload {
        try PayloadCoding.decode(BatchPayload.self, from: data)
    }

    /// Whether `text` can be a `batch_id`: 1–128 of `A–Z a–z 0–9 . _ : -`, starting with a letter or
    /// digit, so that it travels unchanged in the `Idempotency-Key` header.
    public static func isValidBatchID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...128).contains(bytes.count) else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        }
        let punctuation: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-")]
        return isAlphanumeric(bytes[0]) && bytes.allSatisfy { isAlphanumeric($0) || punctuation.contains($0) }
    }

    /// Whether `text` can be a `log_id`: like a batch id, at most 64 characters.
    public static func isValidLogID(_ text: String) -> Bool { text.utf8.count <= 64 && isValidBatchID(text) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, gateway, enterprise
        case logID = "log_id"
        case batchID = "batch_id"
        case firstSeq = "first_seq"
        case lastSeq = "last_seq"
        case sentAt = "sent_at"
        case events, records
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try container.decode(String.self, forKey: .schema)
        guard schema == Self.schema else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema,
                in: container,
                debugDescription: "expected \"\(Self.schema)\", got \"\(schema)\""
            )
        }
        gateway = try container.decodeName(forKey: .gateway)
        enterprise = try container.decodeName(forKey: .enterprise)
        logID = try container.decodeIfPresent(String.self, forKey: .logID)
        if let logID, !Self.isValidLogID(logID) {
            throw DecodingError.dataCorruptedError(
                forKey: .logID,
                in: container,
                debugDescription: "must be 1-64 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit"
            )
        }
        batchID = try container.decode(String.self, forKey: .batchID)
        guard Self.isValidBatchID(batchID) else {
            throw DecodingError.dataCorruptedError(
                forKey: .batchID,
                in: container,
                debugDescription: "must be 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit"
            )
        }
        firstSeq = try container.decodeSequence(forKey: .firstSeq)
        lastSeq = try container.decodeSequence(forKey: .lastSeq)
        sentAt = try container.decodeTimestamp(forKey: .sentAt)
        events = try container.decode([BatchEvent].self, forKey: .events)
        records = try container.decode([BatchRecord].self, forKey: .records)
        try checkSequences(codingPath: container.codingPath)
    }

    private func checkSequences(codingPath: [any CodingKey]) throws {
        func fail(_ path: [any CodingKey], _ message: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: codingPath + path, debugDescription: message))
        }
        guard firstSeq <= lastSeq else {
            throw fail([CodingKeys.lastSeq], "must not be less than first_seq \(firstSeq)")
        }
        guard !events.isEmpty || !records.isEmpty else {
            throw fail([CodingKeys.records], "a batch holds at least one event or record")
        }
        var seen = Set<UInt64>()
        let items =
            events.enumerated().map {
                ($0.element.sequence, [CodingKeys.events, IndexCodingKey($0.offset)] as [any CodingKey])
            }
            + records.enumerated().map {
                ($0.element.sequence, [CodingKeys.records, IndexCodingKey($0.offset)] as [any CodingKey])
            }
        for (sequence, path) in items {
            let seqPath = path + [BatchRecord.CodingKeys.sequence]
            guard (firstSeq...lastSeq).contains(sequence) else {
                throw fail(seqPath, "\(sequence) is outside first_seq...last_seq (\(firstSeq)...\(lastSeq))")
            }
            guard seen.insert(sequence).inserted else {
                throw fail(seqPath, "\(sequence) occurs twice in the batch (events and records share one sequence)")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schema, forKey: .schema)
        try container.encode(gateway, forKey: .gateway)
        try container.encode(enterprise, forKey: .enterprise)
        try container.encodeIfPresent(logID, forKey: .logID)
        try container.encode(batchID, forKey: .batchID)
        try container.encode(firstSeq, forKey: .firstSeq)
        try container.encode(lastSeq, forKey: .lastSeq)
        try container.encodeTimestamp(sentAt, forKey: .sentAt)
        try container.encode(events, forKey: .events)
        try container.encode(records, forKey: .records)
    }
}
