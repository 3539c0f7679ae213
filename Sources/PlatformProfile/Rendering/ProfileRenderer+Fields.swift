import DeviceMap
import GatewayCore

extension ProfileRenderer {
    /// The value of `field` at `scope`; `.absent` when the scope has none.
    mutating func resolve(_ field: Field, scope: RenderScope) -> Output {
        let reading = scope.reading?.reading
        let event = scope.event?.event
        switch field {
        case .gatewayID: return .text(site.gateway.id)
        case .gatewayEnterprise: return .text(site.gateway.enterprise)
        case .gatewayName: return text(site.gateway.name)
        case .site(let name): return text(site.values[name])
        case .secret(let name): return text(keys.secrets[name])
        case .messageID: return .text(scope.messageID)
        case .messageTime: return time(scope.messageTime)
        case .messageCount: return .number(String(scope.count))
        case .messageFirstSequence: return number(scope.firstSequence)
        case .messageLastSequence: return number(scope.lastSequence)
        case .messageBatchID: return text(scope.batchID)
        case .messageLogID: return text(scope.logID)
        case .recordIndicator: return text(reading?.indicator)
        case .eventIndicator: return text(event?.indicator)
        case .eventUnit: return text(event?.unit)
        case .recordID, .eventID:
            guard let sequence = scope.reading?.sequence ?? scope.event?.sequence else { return .absent }
            switch profile.recordID {
            case .sequence: return .number(String(sequence))
            case .uuid: return .text(UUIDText.v4(using: &random))
            }
        case .recordTime: return reading.map { time($0.timestamp) } ?? .absent
        case .recordValue: return reading.map { value($0.value, point: scope.point) } ?? .absent
        case .recordQuality:
            guard let quality = reading?.quality else { return .absent }
            if let reason = quality.reason, let code = profile.qualityCodes[reason.description] { return Output(code) }
            return profile.qualityCodes[quality.level.rawValue].map(Output.init) ?? .text(quality.level.rawValue)
        case .recordQualityLevel: return text(reading?.quality.level.rawValue)
        case .recordReason: return text(reading?.quality.reason?.description)
        case .recordSequence: return number(scope.reading?.sequence)
        case .recordDevice: return text(reading?.device)
        case .recordPoint: return text(reading?.point)
        case .recordUnit: return text(reading?.unit)
        case .recordBackfill: return scope.reading.map { .bool($0.backfill) } ?? .absent
        case .recordReport: return text(reading?.report.rawValue)
        case .recordAlarmLevel:
            guard let reading else { return .absent }
            guard let number = reading.value?.numeric else { return level(nil) }
            return level(scope.point?.alarmLevel(of: number))
        case .eventKind:
            guard let kind = event?.kind else { return .absent }
            return profile.eventKinds[kind.rawValue].map(Output.init) ?? .text(kind.rawValue)
        case .eventLevel: return event.map { level($0.level) } ?? .absent
        case .eventTime: return event.map { time($0.timestamp) } ?? .absent
        case .eventValue: return event.map { value($0.value, point: scope.point) } ?? .absent
        case .eventLimit: return decimal(event?.limit)
        case .eventReason: return text(event?.reason)
        case .eventSequence: return number(scope.event?.sequence)
        case .eventDevice: return text(event?.device)
        case .eventPoint: return text(event?.point)
        case .eventLink: return text(event?.link)
        case .pointID: return text(scope.point?.id ?? reading?.point ?? event?.point)
        case .pointIndicator: return text(scope.point?.indicator ?? reading?.indicator ?? event?.indicator)
        case .pointTag: return text(scope.point?.tag)
        case .pointName: return text(scope.point?.name)
        case .pointUnit: return text(scope.point?.unit ?? reading?.unit ?? event?.unit)
        case .pointRangeLow: return decimal(scope.point?.range?.lowerBound)
        case .pointRangeHigh: return decimal(scope.point?.range?.upperBound)
        case .pointLowLow: return decimal(scope.point?.limits?.lowLow)
        case .pointLow: return decimal(scope.point?.limits?.low)
        case .pointHigh: return decimal(scope.point?.limits?.high)
        case .pointHighHigh: return decimal(scope.point?.limits?.highHigh)
        case .pointHazardCode: return text(scope.point?.hazardCode)
        case .pointDecimals: return number(scope.point?.decimals.map { Int64($0) })
        case .deviceID: return text(scope.device)
        case .deviceName: return text(scope.device.flatMap { site.devices[$0]?.name })
        case .deviceLocation: return text(scope.device.flatMap { site.devices[$0]?.location })
        }
    }

    private func text(_ text: String?) -> Output {
        text.map(Output.text) ?? .absent
    }

    private func number(_ number: Int64?) -> Output {
        guard let number else { return .absent }
        return profile.values.asString ? .text(String(number)) : .number(String(number))
    }

    /// A limit or range end: shortest text, a string when values are strings.
    private func decimal(_ number: Double?) -> Output {
        guard let number, number.isFinite else { return .absent }
        let text = NumberText.shortest(number)
        return profile.values.asString ? .text(text) : .number(text)
    }

    private func time(_ timestamp: Timestamp) -> Output {
        let text = profile.time.text(timestamp)
        return profile.time.isNumber && !profile.values.asString ? .number(text) : .text(text)
    }

    private func level(_ level: AlarmLevel?) -> Output {
        let name = level?.rawValue ?? "none"
        if let code = profile.alarmLevels[name] { return Output(code) }
        return level == nil ? .absent : .text(name)
    }

    /// A value as the profile writes it: a number or a string, with the point's decimals.
    private func value(_ value: Value?, point: CataloguePoint?) -> Output {
        guard let value else {
            switch profile.values.missing {
            case .null: return .null
            case .omit: return .absent
            case .text(let text): return .text(text)
            }
        }
        switch value {
        case .number(let number):
            guard number.isFinite else { return self.value(nil, point: point) }
            let text =
                if profile.values.usePointDecimals, let decimals = point?.decimals {
                    NumberText.fixed(number, decimals: decimals)
                } else {
                    NumberText.shortest(number)
                }
            return profile.values.asString ? .text(text) : .number(text)
        case .integer(let integer):
            // Every digit; a point's decimals pad it (`12.00`) only where it fits a Double exactly.
            let text =
                if profile.values.usePointDecimals, let decimals = point?.decimals, decimals > 0,
                    integer.magnitude < 1 << 53
                {
                    NumberText.fixed(Double(integer), decimals: decimals)
                } else {
                    String(integer)
                }
            return profile.values.asString ? .text(text) : .number(text)
        case .bool(let flag):
            if profile.values.jsonBooleans { return .bool(flag) }
            return profile.values.asString ? .text(flag ? "1" : "0") : .number(flag ? "1" : "0")
        case .text(let text):
            return .text(text)
        }
    }
}
