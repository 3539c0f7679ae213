package import Yams

/// Numbers read from YAML scalars without Yams' YAML 1.1 base-60 reading (`1:2:3:4:5:6:7:8:9:10:11:12`
/// overflows and traps inside Yams), so that no scalar in a configuration can crash the loader.
package enum YAMLNumber {
    /// A whole number: decimal, `0x…`, `0o…`, `0b…` or a leading-zero octal, `_` allowed between digits.
    /// - Returns: nil for anything else, including a quoted scalar and a number that does not fit an `Int`.
    package static func int(_ node: Node) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .any || scalar.style == .plain else { return nil }
        let text = String(scalar.string.filter { $0 != "_" })
        guard !text.isEmpty, text.count <= 80, !text.contains(":") else { return nil }
        let negative = text.hasPrefix("-")
        let signed = negative || text.hasPrefix("+")
        let digits = signed ? String(text.dropFirst()) : text
        guard let first = digits.unicodeScalars.first, ("0"..."9").contains(first) else { return nil }
        let sign = negative ? "-" : ""
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.lowercased().hasPrefix(prefix) {
            return Int(sign + digits.dropFirst(2), radix: radix)
        }
        if digits.count > 1, digits.hasPrefix("0") { return Int(sign + digits.dropFirst(), radix: 8) }
        return Int(sign + digits, radix: 10)
    }

    /// A number, whole or with a fraction; `.inf`, `.nan` and out-of-range values come back non-finite.
    package static func double(_ node: Node) -> Double? {
        if let whole = int(node) { return Double(whole) }
        guard case .scalar(let scalar) = node, scalar.style == .any || scalar.style == .plain else { return nil }
        let text = String(scalar.string.filter { $0 != "_" })
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        guard text.count <= 80, text.unicodeScalars.allSatisfy({ "0123456789+-.eE".unicodeScalars.contains($0) })
        else { return nil }
        return Double(text)
    }
}
