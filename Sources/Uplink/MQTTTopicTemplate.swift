import Foundation

/// A topic with `{gateway}`, `{enterprise}`, `{device}`, `{point}` and `{lane}` placeholders
/// (checked by `chemgate check`); a placeholder without a value (an event of no device) becomes `-`.
struct MQTTTopicTemplate: Sendable, Hashable {
    let text: String

    var usesLane: Bool { text.contains("{lane}") }

    func render(gateway: String, enterprise: String, device: String? = nil, point: String? = nil, lane: String? = nil)
        -> String
    {
        // A '/', '+' or '#' in a name would change the topic's levels or make it a wildcard.
        func clean(_ value: String?) -> String {
            guard let value, !value.isEmpty else { return "-" }
            return String(value.map { "/+#\u{0}".contains($0) ? "_" : $0 })
        }
        return
            text
            .replacingOccurrences(of: "{gateway}", with: clean(gateway))
            .replacingOccurrences(of: "{enterprise}", with: clean(enterprise))
            .replacingOccurrences(of: "{device}", with: clean(device))
            .replacingOccurrences(of: "{point}", with: clean(point))
            .replacingOccurrences(of: "{lane}", with: clean(lane))
    }
}
