import Testing
import UplinkPayload

/// `Gzip.compress` writes a whole gzip member whatever the data: bytes that do not deflate (stored
/// blocks, more than the input) and no bytes at all come back whole through `Gzip.decompress`.
@Suite("Gzip round trip")
struct GzipRoundTripTests {
    @Test(arguments: [0, 1, 5000, 300_000])
    func dataThatDoesNotCompressIsWrittenWhole(count: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = (0..<count).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let gzipped = Gzip.compress(noise, level: 1)
        #expect(gzipped.count >= count + 18, "a gzip member of \(count) random bytes: \(gzipped.count) bytes")
        #expect(try Gzip.decompress(gzipped, limit: 1 << 22) == noise)
    }
}
