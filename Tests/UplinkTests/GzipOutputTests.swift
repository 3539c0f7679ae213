import Testing
import UplinkPayload

/// `Gzip.compress` sizes its output to what deflate writes, not to zlib's bound (issue #19: a
/// batch's body is held while its request is in flight), and still writes all of it when the data
/// does not compress.
@Suite("Gzip output")
struct GzipOutputTests {
    /// A batch-like JSON body of about 600 KB: its gzip member holds a small part of the body's size.
    @Test func aBatchBodyIsNotHeldAtTheBound() throws {
        let body = Array(
            (0..<6000).map {
                #"{"seq":\#(1_000_000 + $0),"device":"gd-\#($0 % 40)","point":"ch4_\#($0 % 7)","#
                    + #""value":\#(Double($0 % 997) * 0.37),"unit":"%LEL","quality":"good","ts":"2026-12-07T14:\#($0 % 60)"}"#
            }
            .joined(separator: ",").utf8
        )
        let gzipped = Gzip.compress(body)
        #expect(try Gzip.decompress(gzipped, limit: 1 << 22) == body)
        #expect(
            gzipped.capacity <= body.count / 4,
            "\(body.count) bytes deflated to \(gzipped.count), held in \(gzipped.capacity)"
        )
    }

    /// Bytes that do not deflate (a pseudo-random sequence) need more room than the first guess:
    /// every byte still arrives.
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
