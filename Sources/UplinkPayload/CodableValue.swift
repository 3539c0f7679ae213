public import GatewayCore

/// A `Value` as payloads carry it: a JSON number, boolean or string. An exact integer is a JSON integer
/// with every digit; a JSON integer reads back as an exact integer (from `Int64.min` to `UInt64.max`).
public struct CodableValue: Codable, Sendable, Hashable {
    /// The engineering value.
    public var value: Value

    /// Wraps `value`.
    public init(_ value: Value) { self.value = value }

    /// Whether the value can be written as JSON: every value but a non-finite number (which
    /// `Value` forbids; such a value is left out of a payload, as if there were none).
    public var isEncodable: Bool {
        if case .number(let number) = value { return number.isFinite }
        return true
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            value = .integer(Int128(integer))
        } else if let integer = try? container.decode(UInt64.self) {
            value = .integer(Int128(integer))
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let text = try? container.decode(String.self) {
            value = .text(text)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a number, boolean or string"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .number(let number): try container.encode(number)
        case .integer(let integer):
            if let signed = Int64(exactly: integer) {
                try container.encode(signed)
            } else if let unsigned = UInt64(exactly: integer) {
                try container.encode(unsigned)
            } else {
                try container.encode(Double(integer))
            }
        case .bool(let bool): try container.encode(bool)
        case .text(let text): try container.encode(text)
        }
    }
}
