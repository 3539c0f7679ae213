public import GatewayCore
public import Outbox
import PayloadCipher

/// Turns the gateway's model (log records, the point catalogue, heartbeats) into the bytes of a
/// platform's messages, as one ``PlatformProfile`` says.
///
/// A value type: build one per uplink (the cipher and keys are set up once) and call it from one
/// task at a time (record ids come from its own generator).
public struct ProfileRenderer: Sendable {
    public let profile: PlatformProfile
    public private(set) var site: ProfileSite
    let keys: ProfileKeys
    var random: SplitMix64

    /// - Parameters:
    ///   - secrets: the uplink's secrets by name, already read (``ProfileSecrets/read(_:what:environment:)``).
    ///   - seed: the record-id generator's seed; random unless a test needs fixed ids.
    /// - Throws: ``ProfileError`` when a secret the profile uses is missing or a key does not fit the cipher.
    public init(
        profile: PlatformProfile,
        site: ProfileSite,
        secrets: [String: String],
        seed: UInt64 = UInt64.random(in: .min ... .max)
    ) throws(ProfileError) {
        for name in profile.secrets.sorted() where secrets[name] == nil {
            throw ProfileError(
                "profile '\(profile.name)' needs the secret '\(name)': give it in the uplink's profile_secrets "
                    + "as '\(name): env:VARIABLE' or '\(name): file:PATH'"
            )
        }
        for name in profile.siteValues.sorted() where site.values[name] == nil {
            throw ProfileError(
                "profile '\(profile.name)' uses ${site.\(name)}: give '\(name)' in the uplink's profile_values"
            )
        }
        self.profile = profile
        self.site = site
        self.keys = try ProfileKeys(profile: profile, secrets: secrets)
        self.random = SplitMix64(seed: seed)
    }

    /// Takes the site of a reloaded configuration (devices added, removed or changed): records and the
    /// catalogue render from it from now on. The profile, keys and record ids stay.
    /// - Throws: ``ProfileError`` when the profile uses a site value the new site does not give.
    public mutating func replaceSite(_ site: ProfileSite) throws(ProfileError) {
        for name in profile.siteValues.sorted() where site.values[name] == nil {
            throw ProfileError(
                "profile '\(profile.name)' uses ${site.\(name)}: give '\(name)' in the uplink's profile_values"
            )
        }
        self.site = site
    }

    /// The messages for a batch of log records: readings through the `data` message, events through
    /// `events` (left out, and listed, when the profile has none), grouped and split as configured.
    /// - Parameters:
    ///   - batchID: the uplink batch's stable id, for `${message.batch_id}`.
    ///   - logID: the durable log's id, for `${message.log_id}`.
    public mutating func render(
        _ records: [Record],
        sentAt: Timestamp,
        batchID: String? = nil,
        logID: String? = nil
    ) throws(ProfileError) -> RenderedBatch {
        var readings: [ReadingItem] = []
        var events: [EventItem] = []
        var unsent: [Int64] = []
        for record in records {
            switch record.payload {
            case .reading(let reading) where profile.indicatedPointsOnly && indicator(of: reading) == nil:
                unsent.append(record.sequence)
            case .reading(let reading):
                readings.append(ReadingItem(sequence: record.sequence, reading: reading, backfill: record.backfill))
            case .event(let event):
                events.append(EventItem(sequence: record.sequence, event: event))
            }
        }
        var messages: [RenderedMessage] = []
        if let spec = profile.messages[.data], spec.withEvents {
            guard !readings.isEmpty || !events.isEmpty else { return RenderedBatch(messages: [], unsent: unsent) }
            var base = scope(sentAt: sentAt, readings: readings, events: events)
            base.batchID = batchID
            base.logID = logID
            messages = try renderGroups(.data, spec: spec, scope: base)
            return RenderedBatch(messages: messages, unsent: unsent.sorted())
        }
        if !readings.isEmpty, let spec = profile.messages[.data] {
            var base = scope(sentAt: sentAt, readings: readings)
            base.batchID = batchID
            base.logID = logID
            messages += try renderGroups(.data, spec: spec, scope: base)
        }
        if !events.isEmpty {
            if let spec = profile.messages[.events] {
                var base = scope(sentAt: sentAt, events: events)
                base.batchID = batchID
                base.logID = logID
                messages += try renderGroups(.events, spec: spec, scope: base)
            } else {
                unsent += events.map(\.sequence)
            }
        }
        return RenderedBatch(messages: messages, unsent: unsent.sorted())
    }

    private func indicator(of reading: Reading) -> String? {
        site.point(device: reading.device, point: reading.point)?.indicator ?? reading.indicator
    }

    /// The point catalogue's messages (empty when the profile has no `catalogue` message).
    public mutating func renderCatalogue(sentAt: Timestamp) throws(ProfileError) -> [RenderedMessage] {
        let points = profile.indicatedPointsOnly ? site.points.filter { $0.indicator != nil } : site.points
        guard let spec = profile.messages[.catalogue], !points.isEmpty else { return [] }
        return try renderGroups(.catalogue, spec: spec, scope: scope(sentAt: sentAt, points: points))
    }

    /// The heartbeat message, or nil when the profile has none.
    public mutating func renderHeartbeat(sentAt: Timestamp) throws(ProfileError) -> RenderedMessage? {
        guard let spec = profile.messages[.heartbeat] else { return nil }
        return try renderMessage(.heartbeat, spec: spec, scope: scope(sentAt: sentAt))
    }

    /// What the platform's reply means; with no `reply:` rule every reply is an acceptance.
    public func verdict(on reply: [UInt8]) -> ReplyVerdict {
        profile.reply?.verdict(on: reply) ?? ReplyVerdict(kind: .accepted, detail: "no reply rule")
    }

    /// Decrypts a ciphertext written as the profile's encryption writes it (for previews and receivers).
    public func decrypt(_ text: String) throws(ProfileError) -> [UInt8] {
        try keys.decrypt(text, profile: profile)
    }

    private mutating func scope(
        sentAt: Timestamp,
        readings: [ReadingItem] = [],
        events: [EventItem] = [],
        points: [CataloguePoint] = []
    ) -> RenderScope {
        RenderScope(
            messageID: "",
            messageTime: sentAt,
            batchID: nil,
            logID: nil,
            readings: ArraySlice(readings),
            events: ArraySlice(events),
            points: ArraySlice(points),
            reading: nil,
            event: nil,
            point: nil,
            device: nil
        )
    }

    private mutating func renderGroups(
        _ kind: MessageKind,
        spec: MessageSpec,
        scope: RenderScope
    ) throws(ProfileError) -> [RenderedMessage] {
        var groups: [RenderScope] = []
        switch spec.grouping {
        case .batch:
            groups = [scope]
        case .device:
            groups = scope.deviceIDs.map { scope.narrowed(to: $0) }
            // Records without a device (gateway events) travel in a group of their own.
            var rest = scope
            rest.readings = []
            rest.events = ArraySlice(scope.events.filter { $0.event.device == nil })
            rest.points = []
            if !rest.events.isEmpty { groups.append(rest) }
        case .record:
            for index in scope.readings.indices { groups.append(single(scope, reading: scope.readings[index])) }
            for index in scope.events.indices { groups.append(single(scope, event: scope.events[index])) }
            for index in scope.points.indices { groups.append(single(scope, point: scope.points[index])) }
        }
        var messages: [RenderedMessage] = []
        for group in groups {
            for chunk in Self.chunks(of: group, size: spec.maxRecords) {
                messages += try renderSized(kind, spec: spec, scope: chunk)
            }
        }
        return messages
    }

    /// Renders `scope`; when the message is over `max_bytes`, renders each half instead.
    private mutating func renderSized(
        _ kind: MessageKind,
        spec: MessageSpec,
        scope: RenderScope
    ) throws(ProfileError) -> [RenderedMessage] {
        let message = try renderMessage(kind, spec: spec, scope: scope)
        guard let limit = spec.maxBytes, message.body.count > limit else { return [message] }
        guard scope.count > 1 else {
            throw ProfileError(
                "profile '\(profile.name)': one \(kind.rawValue) message of a single record is \(message.body.count) "
                    + "bytes, over its max_bytes \(limit)"
            )
        }
        let halves = Self.chunks(of: scope, size: (scope.count + 1) / 2)
        var out: [RenderedMessage] = []
        for half in halves { out += try renderSized(kind, spec: spec, scope: half) }
        return out
    }

    private static func chunks(of scope: RenderScope, size: Int?) -> [RenderScope] {
        guard let size, scope.count > size else { return [scope] }
        var out: [RenderScope] = []
        func split<Element>(_ items: ArraySlice<Element>, _ assign: (inout RenderScope, ArraySlice<Element>) -> Void) {
            var start = items.startIndex
            while start < items.endIndex {
                let end = min(start + size, items.endIndex)
                var chunk = scope
                chunk.readings = []
                chunk.events = []
                chunk.points = []
                assign(&chunk, items[start..<end])
                out.append(chunk)
                start = end
            }
        }
        split(scope.readings) { $0.readings = $1 }
        split(scope.events) { $0.events = $1 }
        split(scope.points) { $0.points = $1 }
        return out
    }

    private func single(_ scope: RenderScope, reading: ReadingItem) -> RenderScope {
        var one = scope
        one.readings = [reading]
        one.events = []
        one.points = []
        one.reading = reading
        one.device = reading.reading.device
        one.point = site.point(device: reading.reading.device, point: reading.reading.point)
        return one
    }

    private func single(_ scope: RenderScope, event: EventItem) -> RenderScope {
        var one = scope
        one.readings = []
        one.events = [event]
        one.points = []
        one.event = event
        one.device = event.event.device
        if let device = event.event.device, let point = event.event.point {
            one.point = site.point(device: device, point: point)
        }
        return one
    }

    private func single(_ scope: RenderScope, point: CataloguePoint) -> RenderScope {
        var one = scope
        one.readings = []
        one.events = []
        one.points = [point]
        one.point = point
        one.device = point.device
        return one
    }

    private mutating func renderMessage(
        _ kind: MessageKind,
        spec: MessageSpec,
        scope: RenderScope
    ) throws(ProfileError) -> RenderedMessage {
        var scope = scope
        scope.messageID = UUIDText.v4(using: &random)
        var writer = ProfileJSONWriter(capacity: 256 + scope.count * 160)
        var plaintexts: [[UInt8]] = []
        try write(spec.body, scope: scope, into: &writer, plaintexts: &plaintexts)
        var body = writer.bytes
        if spec.encryptBody {
            plaintexts.insert(body, at: 0)
            body = Array(try keys.encrypt(body, profile: profile).utf8)
        }
        var headers: [(name: String, value: String)] = []
        for header in profile.headers {
            headers.append((header.name, try text(of: header.value, scope: scope)))
        }
        if let signature = try keys.signature(of: body, profile: profile) {
            headers.append(signature)
        }
        return RenderedMessage(
            kind: kind,
            body: body,
            headers: headers,
            plaintexts: plaintexts,
            sequences: (scope.readings.map(\.sequence) + scope.events.map(\.sequence)).sorted(),
            points: scope.points.map { "\($0.device).\($0.id)" }
        )
    }

    private mutating func text(of template: Template, scope: RenderScope) throws(ProfileError) -> String {
        switch template {
        case .constant(let constant): return Output(constant).text
        case .reference(let field, _): return resolve(field, scope: scope).text
        case .text(let parts): return interpolate(parts, scope: scope)
        default:
            var writer = ProfileJSONWriter(capacity: 64)
            var ignored: [[UInt8]] = []
            try write(template, scope: scope, into: &writer, plaintexts: &ignored)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    private mutating func interpolate(_ parts: [TextPart], scope: RenderScope) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .field(let field): out += resolve(field, scope: scope).text
            }
        }
        return out
    }

    mutating func write(
        _ template: Template,
        scope: RenderScope,
        into writer: inout ProfileJSONWriter,
        plaintexts: inout [[UInt8]]
    ) throws(ProfileError) {
        switch template {
        case .constant(let constant):
            writer.constant(constant)
        case .reference(let field, _):
            writer.output(resolve(field, scope: scope))
        case .text(let parts):
            writer.string(interpolate(parts, scope: scope))
        case .object(let members):
            writer.byte("{")
            var first = true
            for (key, value) in members {
                if case .reference(let field, let omit) = value {
                    let output = resolve(field, scope: scope)
                    if case .absent = output, omit || isOmittedValue(field) { continue }
                    if !first { writer.byte(",") }
                    first = false
                    writer.key(key)
                    writer.output(output)
                    continue
                }
                if !first { writer.byte(",") }
                first = false
                writer.key(key)
                try write(value, scope: scope, into: &writer, plaintexts: &plaintexts)
            }
            writer.byte("}")
        case .array(let items):
            writer.byte("[")
            for (index, item) in items.enumerated() {
                if index > 0 { writer.byte(",") }
                try write(item, scope: scope, into: &writer, plaintexts: &plaintexts)
            }
            writer.byte("]")
        case .each(let collection, let item):
            writer.byte("[")
            var first = true
            for element in elements(collection, of: scope) {
                if !first { writer.byte(",") }
                first = false
                try write(item, scope: element, into: &writer, plaintexts: &plaintexts)
            }
            writer.byte("]")
        case .encrypt(let inner):
            var part = ProfileJSONWriter(capacity: 256 + scope.count * 160)
            try write(inner, scope: scope, into: &part, plaintexts: &plaintexts)
            plaintexts.append(part.bytes)
            writer.string(try keys.encrypt(part.bytes, profile: profile))
        case .json(let inner):
            var part = ProfileJSONWriter(capacity: 256 + scope.count * 160)
            try write(inner, scope: scope, into: &part, plaintexts: &plaintexts)
            writer.string(String(decoding: part.bytes, as: UTF8.self))
        }
    }

    /// A value field whose missing value the profile leaves out (`values.missing: omit`).
    private func isOmittedValue(_ field: Field) -> Bool {
        guard case .omit = profile.values.missing else { return false }
        return field == .recordValue || field == .eventValue
    }

    private func elements(_ collection: Template.Collection, of scope: RenderScope) -> [RenderScope] {
        switch collection {
        case .records: scope.readings.map { single(scope, reading: $0) }
        case .events: scope.events.map { single(scope, event: $0) }
        case .points: scope.points.map { single(scope, point: $0) }
        case .devices: scope.deviceIDs.map { scope.narrowed(to: $0) }
        }
    }
}
