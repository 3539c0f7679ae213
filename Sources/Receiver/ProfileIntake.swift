internal import GatewayCore
public import PlatformProfile

/// `chemgate receive --profile`: reads a platform's messages through the profile that wrote them
/// (``ProfileDecoder``), stores what they carry, and answers as the profile's `reply:` rule expects.
public struct ProfileIntake: Sendable {
    public let decoder: ProfileDecoder
    public let store: ReceiverStore

    public init(decoder: ProfileDecoder, store: ReceiverStore) {
        self.decoder = decoder
        self.store = store
    }

    /// What a message came to: the reply's bytes (empty when the profile reads no reply) and whether
    /// it was accepted.
    public struct Outcome: Sendable {
        public var accepted: Bool
        public var reply: [UInt8]
        public var detail: String
    }

    /// Decodes and stores one message (an HTTP body, or a frame without its delimiter).
    public func receive(_ body: [UInt8]) async -> Outcome {
        let message: DecodedMessage
        do throws(ProfileError) {
            message = try decoder.decode(body)
        } catch {
            try? await store.storeProfileRejection(error.description)
            return Outcome(accepted: false, reply: reply(accepted: false), detail: error.description)
        }
        let items = Self.items(of: message, decoder: decoder)
        do {
            let stored = try await store.store(profileItems: items, kind: message.kind)
            return Outcome(
                accepted: true,
                reply: reply(accepted: true),
                detail: "\(message.kind.rawValue): \(stored) new of \(items.count)"
            )
        } catch {
            return Outcome(accepted: false, reply: reply(accepted: false), detail: "cannot store: \(error)")
        }
    }

    /// The reply a platform following the profile gives: its reply field set to the first accepted
    /// value (or the first permanent one for a refusal); `{"code": 0}`-style, nested for `a.b`.
    public func reply(accepted: Bool) -> [UInt8] {
        guard let rule = decoder.profile.reply else {
            return Array((accepted ? #"{"result":"accepted"}"# : #"{"result":"refused"}"#).utf8)
        }
        let values = accepted ? rule.accepted : rule.permanent
        let value = values.sorted().first ?? (accepted ? "0" : "-1")
        let literal =
            value == "true" || value == "false" || Double(value) != nil ? value : "\"\(value)\""
        var json = literal
        for name in rule.field.reversed() { json = "{\"\(name)\":\(json)}" }
        return Array(json.utf8)
    }

    /// The stored items of a decoded message.
    static func items(of message: DecodedMessage, decoder: ProfileDecoder) -> [ReceiverStore.ProfileItem] {
        func item(_ kind: String, _ fields: [Field: String], value: Field, time: Field?, code: Field?, seq: [Field])
            -> ReceiverStore.ProfileItem
        {
            ReceiverStore.ProfileItem(
                kind: kind,
                gateway: fields[.gatewayID],
                device: fields[kind == "event" ? .eventDevice : .recordDevice] ?? fields[.deviceID],
                point: fields[kind == "event" ? .eventPoint : .recordPoint] ?? fields[.pointID],
                indicator: fields[.pointIndicator] ?? fields[kind == "event" ? .eventIndicator : .recordIndicator],
                value: fields[value],
                ts: time.flatMap { fields[$0] }.flatMap { decoder.timestamp($0)?.milliseconds },
                code: code.flatMap { fields[$0] },
                seq: seq.lazy.compactMap { fields[$0].flatMap { Int64($0) } }.first,
                fields: Dictionary(fields.map { ($0.key.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            )
        }
        let sequenceIDs: [Field] = decoder.profile.recordID == .sequence ? [.recordID] : []
        return message.readings.map {
            item(
                "reading",
                $0,
                value: .recordValue,
                time: .recordTime,
                code: .recordQuality,
                seq: [.recordSequence] + sequenceIDs
            )
        }
            + message.events.map {
                item(
                    "event",
                    $0,
                    value: .eventValue,
                    time: .eventTime,
                    code: .eventKind,
                    seq: [.eventSequence] + (decoder.profile.recordID == .sequence ? [.eventID] : [])
                )
            }
            + message.points.map { item("point", $0, value: .pointName, time: nil, code: nil, seq: []) }
    }
}
