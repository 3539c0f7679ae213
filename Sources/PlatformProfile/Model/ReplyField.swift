import Foundation

/// Reads one field of a JSON reply as text: `0`, `true`, `OK` (a string without its quotes).
enum ReplyField {
    static func value(at path: [String], in reply: [UInt8]) -> String? {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: Data(reply)) else { return nil }
        var node = root
        for name in path {
            guard case .object(let members) = node, let next = members[name] else { return nil }
            node = next
        }
        return node.text
    }
}

/// Just enough of JSON to walk a reply.
private enum JSONValue: Decodable {
    case object([String: JSONValue])
    case scalar(String)
    case other

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONValue] = [:]
            for key in container.allKeys {
                members[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if let flag = try? single.decode(Bool.self) {
            self = .scalar(flag ? "true" : "false")
        } else if let whole = try? single.decode(Int64.self) {
            self = .scalar(String(whole))
        } else if let number = try? single.decode(Double.self) {
            self = .scalar(number.description)
        } else if let text = try? single.decode(String.self) {
            self = .scalar(text)
        } else {
            self = .other
        }
    }

    var text: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
