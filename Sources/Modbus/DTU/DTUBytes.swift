/// A fixed byte sequence a DTU sends, written as text or as hex: `HB` (the ASCII bytes) or
/// `hex:FE 01 0A` (the bytes; spaces ignored). Used for heartbeat packets and simulated
/// registration packets.
public struct DTUBytes: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses `TEXT` or `hex:HEX`.
    /// - Throws: ``ModbusError`` of kind `invalidEndpoint` saying what is wrong.
    public init(parsing text: String) throws(ModbusError) {
        if text.lowercased().hasPrefix("hex:") {
            guard let bytes = Self.hexBytes(String(text.dropFirst(4))), !bytes.isEmpty else {
                throw ModbusError(
                    .invalidEndpoint(
                        "'\(text)': after 'hex:' write the bytes as pairs of hex digits, e.g. hex:FE01 or hex:'FE 01'"
                    )
                )
            }
            self.bytes = bytes
        } else {
            guard !text.isEmpty, text.utf8.count <= 256 else {
                throw ModbusError(.invalidEndpoint("a DTU packet is 1 to 256 bytes, written as text or hex:…"))
            }
            self.bytes = Array(text.utf8)
        }
    }

    /// `hex:…` for packets that are not printable ASCII, the text otherwise.
    public var description: String {
        if bytes.allSatisfy({ (0x21...0x7E).contains($0) }) { return String(decoding: bytes, as: UTF8.self) }
        return "hex:" + Self.hexText(bytes)
    }

    /// Upper-case hex digits, no separators.
    public static func hexText(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of hex digit pairs (spaces, ':' and '-' ignored), or nil.
    public static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = text.unicodeScalars.filter { !" :-".unicodeScalars.contains($0) }
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var high: UInt8?
        for scalar in digits {
            guard let value = UInt8(String(scalar), radix: 16) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}
