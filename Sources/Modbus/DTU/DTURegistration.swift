import Foundation

/// How a DTU's registration packet (the first bytes after it connects) carries its id.
public enum DTURegistration: Sendable, Hashable, CustomStringConvertible {
    /// The id as ASCII text (a configured id or the IMEI as digits); a CR, LF or NUL after it is ignored.
    case ascii
    /// The id as raw bytes, written in the URL as their hex digits (`dtu://0860123456789012` for
    /// the 8 bytes 08 60 12 …).
    case hex
    /// A regular expression over the first bytes (read as ISO 8859-1, one character per byte),
    /// anchored at the first byte; its first capture group (or the whole match) is the id.
    case pattern(String)

    /// Parses `ascii`, `hex` or `regex:PATTERN`.
    /// - Throws: ``ModbusError`` of kind `invalidEndpoint` naming what is allowed.
    public init(parsing text: String) throws(ModbusError) {
        switch text {
        case "ascii": self = .ascii
        case "hex": self = .hex
        case _ where text.hasPrefix("regex:"):
            let pattern = String(text.dropFirst("regex:".count))
            guard (try? NSRegularExpression(pattern: pattern)) != nil, !pattern.isEmpty else {
                throw ModbusError(.invalidEndpoint("'\(pattern)' is not a valid regular expression"))
            }
            self = .pattern(pattern)
        default:
            throw ModbusError(
                .invalidEndpoint(
                    "registration is ascii, hex or regex:PATTERN (e.g. regex:^REG,(\\d{15})), not '\(text)'"
                )
            )
        }
    }

    public var description: String {
        switch self {
        case .ascii: "ascii"
        case .hex: "hex"
        case .pattern(let pattern): "regex:\(pattern)"
        }
    }

    /// How many of the first bytes of `packet` form the registration of the DTU `id`, or nil when
    /// they do not name it.
    func consumed(_ packet: [UInt8], id: String) -> Int? {
        switch self {
        case .ascii: return Self.prefixLength(packet, Array(id.utf8))
        case .hex:
            guard let bytes = DTUBytes.hexBytes(id) else { return nil }
            return Self.prefixLength(packet, bytes)
        case .pattern(let pattern):
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
            let latin = String(String.UnicodeScalarView(packet.map { Unicode.Scalar($0) }))
            let range = NSRange(location: 0, length: (latin as NSString).length)
            guard let match = expression.firstMatch(in: latin, options: [.anchored], range: range) else { return nil }
            let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            guard group.location != NSNotFound, (latin as NSString).substring(with: group) == id else { return nil }
            return match.range.location + match.range.length
        }
    }

    /// The length of `id` plus a trailing CR, LF or NUL, when `packet` starts with `id`.
    private static func prefixLength(_ packet: [UInt8], _ id: [UInt8]) -> Int? {
        guard !id.isEmpty, packet.starts(with: id) else { return nil }
        var length = id.count
        while length < packet.count, [0x0D, 0x0A, 0x00].contains(packet[length]) { length += 1 }
        return length
    }
}
