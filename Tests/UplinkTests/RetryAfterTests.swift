import Foundation
import NIOHTTP1
import Testing

@testable import Uplink

/// Issue #13 item 2: `Retry-After` in both of its forms (RFC 9110 §10.2.3).
@Suite struct RetryAfterTests {
    static func reply(_ status: Int, retryAfter: String?) -> PlatformReply {
        var headers = HTTPHeaders()
        if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
        return PlatformReply(status: status, headers: headers, body: [])
    }

    @Test func anHTTPDateIsTakenRelativeToNow() {
        let now = Date(timeIntervalSince1970: 1_792_567_680)  // Wed, 21 Oct 2026 07:28:00 GMT
        let reply = Self.reply(503, retryAfter: "Wed, 21 Oct 2026 07:28:42 GMT")
        #expect(reply.retryAfterSeconds(now: now) == 42)
        #expect(Self.reply(503, retryAfter: "Wed, 21 Oct 2026 07:27:00 GMT").retryAfterSeconds(now: now) == 0)
        #expect(Self.reply(503, retryAfter: "Wednesday, 21-Oct-26 07:28:42 GMT").retryAfterSeconds(now: now) == 42)
    }

    @Test func secondsAndNonsense() {
        #expect(Self.reply(429, retryAfter: "7").retryAfterSeconds() == 7)
        #expect(Self.reply(429, retryAfter: "soon").retryAfterSeconds() == nil)
        #expect(Self.reply(429, retryAfter: nil).retryAfterSeconds() == nil)
        #expect(
            Self.reply(503, retryAfter: "3").batchOutcome(entries: 1)
                == .retryAfter(.seconds(3), "HTTP 503: retry after 3 s")
        )
    }

    @Test func a413IsSplitNotDeadLettered() {
        guard case .tooLarge = Self.reply(413, retryAfter: nil).batchOutcome(entries: 8) else {
            Issue.record("a 413 must split the batch")
            return
        }
    }
}
