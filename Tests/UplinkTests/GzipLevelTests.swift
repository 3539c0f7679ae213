import Foundation
import Outbox
import TestSupport
import Testing
import Uplink
import UplinkPayload

/// `gzip_level` (issue #19): batches are gzipped at zlib's level 1 unless the site asks for another. The
/// gzip header says which: its XFL byte is 4 for zlib's fastest level and 2 for its smallest (RFC 1952).
@Suite("Uplink gzip level")
struct GzipLevelTests {
    @Test(arguments: [(nil, UInt8(4)), (Optional(9), UInt8(2))])
    func theBatchIsGzippedAtTheConfiguredLevel(level: Int?, flag: UInt8) async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let platform = try await FakePlatform(.init(200, body: AcknowledgementTests.counts))
        defer { platform.stop() }
        let (log, forwarder) = try await AcknowledgementTests.forwarder(
            to: platform.url,
            in: directory,
            gzip: true,
            gzipLevel: level
        )
        defer { try? log.close() }
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while try await log.pending(for: "park").records > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await log.pending(for: "park").records == 0, "the batch was accepted")
        let sent = try #require(platform.requests.first { $0.path == "/batches" })
        #expect(Array(sent.body.prefix(3)) == [0x1f, 0x8b, 8], "a gzip member (deflate)")
        #expect(sent.body.count > 9 && sent.body[8] == flag, "XFL \(sent.body.count > 9 ? sent.body[8] : 0)")
        let json = try Gzip.decompress(sent.body, limit: 1 << 20)
        let batch = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect((batch["records"] as? [Any])?.count == AcknowledgementTests.entries)
    }

    /// The same body is smaller at level 9 than at level 1, and both inflate back to it.
    @Test func aHigherLevelMakesASmallerBodyThatInflatesToTheSameBytes() throws {
        let body = Array(
            (0..<2000).map { #"{"device":"gd-\#($0 % 40)","point":"p\#($0 % 7)","value":\#(Double($0) * 0.37)}"# }
                .joined(separator: ",").utf8
        )
        let fast = Gzip.compress(body, level: 1)
        let small = Gzip.compress(body, level: 9)
        #expect(small.count < fast.count, "level 9: \(small.count) bytes, level 1: \(fast.count) bytes")
        #expect(try Gzip.decompress(fast, limit: 1 << 20) == body)
        #expect(try Gzip.decompress(small, limit: 1 << 20) == body)
    }
}
