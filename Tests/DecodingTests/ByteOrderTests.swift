import Decoding
import Testing

@Suite("ByteOrder")
struct ByteOrderTests {
    @Test("the four named orders and their swaps")
    func namedOrders() {
        #expect(ByteOrder.abcd == ByteOrder(swapsBytes: false, swapsWords: false))
        #expect(ByteOrder.badc == ByteOrder(swapsBytes: true, swapsWords: false))
        #expect(ByteOrder.cdab == ByteOrder(swapsBytes: false, swapsWords: true))
        #expect(ByteOrder.dcba == ByteOrder(swapsBytes: true, swapsWords: true))
    }

    @Test(
        "init(name:), width(ofName:) and name(width:) round trip",
        arguments: [
            ("AB", ByteOrder.abcd, 16), ("BA", .badc, 16),
            ("ABCD", .abcd, 32), ("BADC", .badc, 32), ("CDAB", .cdab, 32), ("DCBA", .dcba, 32),
            ("ABCDEFGH", .abcd, 64), ("BADCFEHG", .badc, 64), ("GHEFCDAB", .cdab, 64), ("HGFEDCBA", .dcba, 64),
        ]
    )
    func roundTrip(name: String, order: ByteOrder, width: Int) {
        #expect(ByteOrder(name: name) == order)
        #expect(ByteOrder(name: name.lowercased()) == order)
        #expect(ByteOrder.width(ofName: name) == width)
        #expect(ByteOrder.width(ofName: name.lowercased()) == width)
        #expect(order.name(width: width) == name)
    }

    @Test("mixed case parses")
    func mixedCase() {
        #expect(ByteOrder(name: "CdAb") == .cdab)
        #expect(ByteOrder(name: "hgfeDCBA") == .dcba)
        #expect(ByteOrder.width(ofName: "gHeFcDaB") == 64)
    }

    @Test(
        "unknown names give nil",
        arguments: [
            "", "A", "ABC", "ABDC", "DCAB", "BACD", "ABCDEFG", "ABCDEFGHI", "HGFEDCAB", "CDABGHEF", "AB CD", " ABCD",
        ]
    )
    func unknownName(name: String) {
        #expect(ByteOrder(name: name) == nil)
        #expect(ByteOrder.width(ofName: name) == nil)
    }

    @Test(
        "name(width:) for each order and width",
        arguments: [
            (ByteOrder.abcd, "AB", "ABCD", "ABCDEFGH"),
            (.badc, "BA", "BADC", "BADCFEHG"),
            (.cdab, "AB", "CDAB", "GHEFCDAB"),
            (.dcba, "BA", "DCBA", "HGFEDCBA"),
        ]
    )
    func names(order: ByteOrder, name16: String, name32: String, name64: String) {
        #expect(order.name(width: 16) == name16)
        #expect(order.name(width: 32) == name32)
        #expect(order.name(width: 64) == name64)
        #expect(order.description == name32)
    }
}
