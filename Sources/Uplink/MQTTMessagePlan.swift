import GatewayCore
import Outbox

/// How the records of one read from the log are cut into MQTT messages, in the order they are
/// published: events, then live readings, then backfill (the read's order), each run cut by the
/// uplink's grouping (batch, device or point) into messages of at most `maxRecords` records.
struct MQTTMessagePlan {
    /// One message's records and the values its topic is made of.
    struct Part: Sendable {
        var records: [Record]
        var lane: String
        var device: String?
        var point: String?
    }

    enum Grouping: Sendable { case batch, device, point }

    /// `events`, `live` or `backfill`: the lane a record travels in, as topics name it.
    static func lane(of record: Record) -> String {
        switch record.payload {
        case .event: "events"
        case .reading: record.backfill ? "backfill" : "live"
        }
    }

    /// - Parameter splitLanes: one message never mixes lanes (the topic names the lane).
    static func parts(_ records: [Record], grouping: Grouping, splitLanes: Bool, maxRecords: Int) -> [Part] {
        var runs: [(lane: String, records: [Record])] = []
        for record in records {
            let lane = lane(of: record)
            if let last = runs.last, !splitLanes || last.lane == lane {
                runs[runs.count - 1].records.append(record)
            } else {
                runs.append((lane, [record]))
            }
        }
        var parts: [Part] = []
        let size = max(1, maxRecords)
        for run in runs {
            var order: [String] = []
            var groups: [String: (device: String?, point: String?, records: [Record])] = [:]
            for record in run.records {
                let (device, point) = key(of: record)
                let name: String
                switch grouping {
                case .batch: name = ""
                case .device: name = device ?? ""
                case .point: name = (device ?? "") + "\u{0}" + (point ?? "")
                }
                if groups[name] == nil {
                    order.append(name)
                    groups[name] = (
                        grouping == .batch ? nil : device, grouping == .point ? point : nil, []
                    )
                }
                groups[name]!.records.append(record)
            }
            for name in order {
                let group = groups[name]!
                var start = 0
                while start < group.records.count {
                    let end = min(start + size, group.records.count)
                    parts.append(
                        Part(
                            records: Array(group.records[start..<end]),
                            lane: run.lane,
                            device: group.device,
                            point: group.point
                        )
                    )
                    start = end
                }
            }
        }
        return parts
    }

    private static func key(of record: Record) -> (String?, String?) {
        switch record.payload {
        case .reading(let reading): (reading.device, reading.point)
        case .event(let event): (event.device, event.point)
        }
    }
}
