/// A value of the model a template can refer to as `${scope.name}`.
public enum Field: Sendable, Hashable {
    // gateway.*
    case gatewayID, gatewayEnterprise, gatewayName
    /// `site.NAME`: the uplink's `profile_values`.
    case site(String)
    /// `secret.NAME`: a secret of the uplink (`profile_secrets`), e.g. an app secret header.
    case secret(String)
    // message.*
    case messageID, messageTime, messageCount, messageFirstSequence, messageLastSequence, messageBatchID, messageLogID
    // record.* (readings)
    case recordID, recordTime, recordValue, recordQuality, recordQualityLevel, recordReason, recordSequence
    case recordDevice, recordPoint, recordUnit, recordBackfill, recordReport, recordAlarmLevel, recordIndicator
    // event.*
    case eventID, eventKind, eventLevel, eventTime, eventValue, eventLimit, eventReason, eventSequence
    case eventDevice, eventPoint, eventLink, eventIndicator, eventUnit
    // point.* (the catalogue)
    case pointID, pointIndicator, pointTag, pointName, pointUnit, pointRangeLow, pointRangeHigh
    case pointLowLow, pointLow, pointHigh, pointHighHigh, pointHazardCode, pointDecimals
    // device.*
    case deviceID, deviceName, deviceLocation

    /// Every name a profile may write, with its field (`site.` and `secret.` are open-ended).
    static let byName: [String: Field] = [
        "gateway.id": .gatewayID, "gateway.enterprise": .gatewayEnterprise, "gateway.name": .gatewayName,
        "message.id": .messageID, "message.time": .messageTime, "message.count": .messageCount,
        "message.first_seq": .messageFirstSequence, "message.last_seq": .messageLastSequence,
        "message.batch_id": .messageBatchID, "message.log_id": .messageLogID, "record.indicator": .recordIndicator,
        "event.indicator": .eventIndicator, "event.unit": .eventUnit,
        "record.id": .recordID, "record.time": .recordTime, "record.value": .recordValue,
        "record.quality": .recordQuality, "record.quality_level": .recordQualityLevel,
        "record.reason": .recordReason, "record.seq": .recordSequence, "record.device": .recordDevice,
        "record.point": .recordPoint, "record.unit": .recordUnit, "record.backfill": .recordBackfill,
        "record.report": .recordReport, "record.alarm_level": .recordAlarmLevel,
        "event.id": .eventID, "event.kind": .eventKind, "event.level": .eventLevel, "event.time": .eventTime,
        "event.value": .eventValue, "event.limit": .eventLimit, "event.reason": .eventReason,
        "event.seq": .eventSequence, "event.device": .eventDevice, "event.point": .eventPoint,
        "event.link": .eventLink,
        "point.id": .pointID, "point.indicator": .pointIndicator, "point.tag": .pointTag, "point.name": .pointName,
        "point.unit": .pointUnit, "point.range_low": .pointRangeLow, "point.range_high": .pointRangeHigh,
        "point.ll": .pointLowLow, "point.l": .pointLow, "point.h": .pointHigh, "point.hh": .pointHighHigh,
        "point.hazard_code": .pointHazardCode, "point.decimals": .pointDecimals,
        "device.id": .deviceID, "device.name": .deviceName, "device.location": .deviceLocation,
    ]

    /// The field named `name`, or nil.
    static func named(_ name: String) -> Field? {
        if let field = byName[name] { return field }
        if name.hasPrefix("site."), name.count > 5 { return .site(String(name.dropFirst(5))) }
        if name.hasPrefix("secret."), name.count > 7 { return .secret(String(name.dropFirst(7))) }
        return nil
    }
}

extension Field {
    /// The field's name as a profile writes it (`record.value`, `site.app_id`).
    public var name: String {
        switch self {
        case .site(let name): return "site.\(name)"
        case .secret(let name): return "secret.\(name)"
        default: return Self.names[self] ?? "\(self)"
        }
    }

    private static let names: [Field: String] = Dictionary(
        byName.map { ($0.value, $0.key) },
        uniquingKeysWith: { first, _ in first }
    )
}
