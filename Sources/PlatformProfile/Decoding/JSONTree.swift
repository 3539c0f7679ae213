import Foundation

/// A parsed JSON value, enough to walk a received message against a profile's templates.
enum JSONTree: Decodable, Sendable {
    case object([String: JSONTree])
    case array([JSONTree])
    /// A number, as its text (`12.5`).
    case number(String)
    case string(String)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONTree] = [:]
            for key in container.allKeys { members[key.stringValue] = try container.decode(JSONTree.self, forKey: key) }
            self = .object(members)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var items: [JSONTree] = []
            while !container.isAtEnd { items.append(try container.decode(JSONTree.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let whole = try? single.decode(Int64.self) {
            self = .number(String(whole))
        } else if let number = try? single.decode(Double.self) {
            self = .number(String(number))
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    static func parse(_ bytes: [UInt8]) -> JSONTree? {
        try? JSONDecoder().decode(JSONTree.self, from: Data(bytes))
    }

    /// A scalar as text (numbers as written, booleans `true`/`false`); nil for null, objects and arrays.
    var text: String? {
        switch self {
        case .number(let text), .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null, .object, .array: nil
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
