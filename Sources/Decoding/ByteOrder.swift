/// Byte and word order of a multi-register value.
///
/// The value's bytes, most significant first, are A B C D (… H). Registers arrive as r0, r1, …; each register's
/// high byte comes first on the wire (Modbus is big-endian per register). For 32 bits:
/// ABCD is r0=AB r1=CD, CDAB is r0=CD r1=AB, BADC is r0=BA r1=DC, DCBA is r0=DC r1=BA.
/// On a single register only ``swapsBytes`` matters (AB or BA).
public struct ByteOrder: Sendable, Hashable, CustomStringConvertible {
    /// Whether the two bytes inside each register are swapped (low byte first).
    public var swapsBytes: Bool
    /// Whether the register order is reversed (least significant register first). No effect on one register.
    public var swapsWords: Bool

    /// Creates an order from its two independent swaps.
    public init(swapsBytes: Bool, swapsWords: Bool) {
        self.swapsBytes = swapsBytes
        self.swapsWords = swapsWords
    }

    /// Big-endian, the Modbus standard: ABCD, ABCDEFGH, AB.
    public static let abcd = ByteOrder(swapsBytes: false, swapsWords: false)
    /// Bytes swapped in each register: BADC, BADCFEHG, BA.
    public static let badc = ByteOrder(swapsBytes: true, swapsWords: false)
    /// Registers reversed ("word swap"): CDAB, GHEFCDAB; AB on one register.
    public static let cdab = ByteOrder(swapsBytes: false, swapsWords: true)
    /// Little-endian, bytes and registers reversed: DCBA, HGFEDCBA; BA on one register.
    public static let dcba = ByteOrder(swapsBytes: true, swapsWords: true)

    private static let names: [(name: String, order: ByteOrder, width: Int)] = [
        ("AB", .abcd, 16), ("BA", .badc, 16),
        ("ABCD", .abcd, 32), ("BADC", .badc, 32), ("CDAB", .cdab, 32), ("DCBA", .dcba, 32),
        ("ABCDEFGH", .abcd, 64), ("BADCFEHG", .badc, 64), ("GHEFCDAB", .cdab, 64), ("HGFEDCBA", .dcba, 64),
    ]

    /// Parses, case-insensitively, AB, BA (16-bit), ABCD, BADC, CDAB, DCBA (32-bit), ABCDEFGH, BADCFEHG,
    /// GHEFCDAB, HGFEDCBA (64-bit). Returns nil for anything else.
    public init?(name: String) {
        let upper = name.uppercased()
        guard let entry = Self.names.first(where: { $0.name == upper }) else { return nil }
        self = entry.order
    }

    /// The width a name was written for: 16, 32 or 64 (case-insensitive); nil for an unknown name.
    public static func width(ofName name: String) -> Int? {
        let upper = name.uppercased()
        return names.first(where: { $0.name == upper })?.width
    }

    /// The name for a value of `width` bits: `cdab.name(width: 64) == "GHEFCDAB"`,
    /// `badc.name(width: 16) == "BA"`, `abcd.name(width: 16) == "AB"`.
    /// A width of 16 or less gives the 16-bit name (word swap ignored), 64 or more the 64-bit name,
    /// anything between the 32-bit name.
    public func name(width: Int) -> String {
        if width <= 16 { return swapsBytes ? "BA" : "AB" }
        switch (swapsBytes, swapsWords, width >= 64) {
        case (false, false, false): return "ABCD"
        case (true, false, false): return "BADC"
        case (false, true, false): return "CDAB"
        case (true, true, false): return "DCBA"
        case (false, false, true): return "ABCDEFGH"
        case (true, false, true): return "BADCFEHG"
        case (false, true, true): return "GHEFCDAB"
        case (true, true, true): return "HGFEDCBA"
        }
    }

    /// The 32-bit name: ABCD, BADC, CDAB or DCBA.
    public var description: String { name(width: 32) }
}
