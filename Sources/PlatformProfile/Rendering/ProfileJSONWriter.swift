import UplinkPayload

/// Appends JSON to a byte buffer: the renderer's output, written once with no intermediate tree.
struct ProfileJSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func byte(_ character: Unicode.Scalar) { bytes.append(UInt8(ascii: character)) }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func key(_ name: String) {
        string(name)
        byte(":")
    }

    mutating func string(_ text: String) {
        JSONString.append(text, to: &bytes)
    }

    mutating func output(_ output: Output) {
        switch output {
        case .absent, .null: raw("null")
        case .text(let text): string(text)
        case .number(let text): raw(text)
        case .bool(let flag): raw(flag ? "true" : "false")
        }
    }

    mutating func constant(_ constant: Constant) {
        switch constant {
        case .text(let text): string(text)
        case .number(let text): raw(text)
        case .bool(let flag): raw(flag ? "true" : "false")
        case .null: raw("null")
        }
    }
}

/// A field's value once resolved.
enum Output {
    /// The field has no value here (left out with `?`, else null).
    case absent
    case null
    case text(String)
    /// A JSON number's text.
    case number(String)
    case bool(Bool)

    init(_ constant: Constant) {
        switch constant {
        case .text(let text): self = .text(text)
        case .number(let text): self = .number(text)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        }
    }

    /// As text inside a string (`GW-${gateway.id}`); absent and null are empty.
    var text: String {
        switch self {
        case .absent, .null: ""
        case .text(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        }
    }
}

/// Numbers as profiles write them.
enum NumberText {
    /// The shortest text that reads back as `value` (`12.5`, `3`), as JSON encoders write it.
    static func shortest(_ value: Double) -> String {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// `value` with exactly `decimals` digits after the point (`12.50`), rounded half away from zero.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard (0...9).contains(decimals) else { return shortest(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 1e15 else { return shortest(value) }
        let whole = Int64(scaled)
        guard decimals > 0 else { return String(whole) }
        var digits = String(whole.magnitude)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -decimals)
        return (whole < 0 ? "-" : "") + digits[..<point] + "." + digits[point...]
    }
}

/// Random UUIDs (version 4) in 32 lower-case hex digits without dashes, as Java's
/// `UUID.randomUUID().toString().replace("-", "")` writes them.
enum UUIDText {
    static func v4(using random: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let high = random.next()
        let low = random.next()
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[index + 8] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
