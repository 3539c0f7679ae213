import Foundation
import GatewayCore
import Outbox
import TestSupport
import Testing
import Uplink
import UplinkPayload

/// A batch leaves the log only on the platform's explicit acceptance (issue #12, items 1 and 2): a
/// real HTTP server answers each kind of reply a misbehaving platform or a proxy gives, and the
/// batch must stay in the log, be retried and the status must name what was answered.
@Suite("Acknowledgement only on the platform's acceptance")
struct AcknowledgementTests {
    static let entries = 10

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var reply: @Sendable (_ otherHost: String) -> FakePlatform.Reply
        /// A part of the uplink's last error.
        var says: String
        var testDescription: String { name }
    }

    static let counts = #"{"accepted": 10, "duplicate": false, "already_received": 0}"#
    static let html = "<html><body><h1>Welcome to nginx!</h1></body></html>"

    /// Replies that do not acknowledge (13 kinds).
    static let refusals: [Case] = [
        Case(
            name: "200 with an HTML page",
            reply: { _ in .init(200, headers: [("Content-Type", "text/html")], body: html) },
            says: "HTTP 200 without an acknowledgement"
        ),
        Case(name: "200 with an empty body", reply: { _ in .init(200) }, says: "the body is empty"),
        Case(name: "204 No Content", reply: { _ in .init(204) }, says: "HTTP 204 is not an acknowledgement"),
        Case(
            name: "201 with the counts",
            reply: { _ in .init(201, body: counts) },
            says: "HTTP 201 is not an acknowledgement"
        ),
        Case(
            name: "202 Accepted",
            reply: { _ in .init(202, body: counts) },
            says: "HTTP 202 is not an acknowledgement"
        ),
        Case(
            name: "200 counting part of the batch",
            reply: { _ in .init(200, body: #"{"accepted": 3, "duplicate": false, "already_received": 2}"#) },
            says: "do not cover the batch of 10"
        ),
        Case(
            name: "200 with JSON but no counts",
            reply: { _ in .init(200, body: #"{"status": "ok"}"#) },
            says: "HTTP 200 without an acknowledgement"
        ),
        Case(
            name: "200 with negative counts",
            reply: { _ in .init(200, body: #"{"accepted": -5, "already_received": 15}"#) },
            says: "HTTP 200 without an acknowledgement"
        ),
        Case(
            name: "200 with counts near Int.max",
            reply: { _ in .init(200, body: #"{"accepted": 9223372036854775807, "already_received": 1}"#) },
            says: "HTTP 200 whose counts do not cover the batch"
        ),
        Case(
            name: "200 with a 2 MiB HTML page",
            reply: { _ in .init(200, body: "<html>" + String(repeating: "x", count: 2 << 20)) },
            says: "HTTP 200 without an acknowledgement"
        ),
        Case(name: "301 to another host", reply: { .init(301, headers: [("Location", $0)]) }, says: "redirects to"),
        Case(name: "302 to another host", reply: { .init(302, headers: [("Location", $0)]) }, says: "redirects to"),
        Case(name: "307 to another host", reply: { .init(307, headers: [("Location", $0)]) }, says: "redirects to"),
        Case(name: "308 to another host", reply: { .init(308, headers: [("Location", $0)]) }, says: "redirects to"),
    ]

    /// A log holding `entries` readings, and a forwarder for it to `url`: uncompressed unless `gzip`, at
    /// `gzipLevel` when given (the uplink's default level otherwise).
    static func forwarder(
        to url: String,
        in directory: URL,
        gzip: Bool = false,
        gzipLevel: Int? = nil
    ) async throws -> (DurableLog, UplinkForwarder) {
        let log = try DurableLog(
            path: directory.appendingPathComponent("log.sqlite").path,
            options: LogOptions(synchronous: .normal, destinations: ["park"])
        )
        let now = Timestamp.now().milliseconds
        try await log.append(
            (0..<entries).map { index in
                Reading(
                    gateway: "GW-ACK",
                    device: "gd-1",
                    point: "gas",
                    value: .number(Double(index)),
                    unit: "%LEL",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: now - 60_000 + Int64(index))
                )
            }
        )
        var settings = UplinkForwarder.Settings(
            id: "park",
            url: url,
            gateway: "GW-ACK",
            enterprise: "E-ACK",
            batchDelay: .milliseconds(50),
            heartbeatInterval: .milliseconds(200),
            gzip: gzip,
            timeout: .seconds(5)
        )
        if let gzipLevel { settings.gzipLevel = gzipLevel }
        let forwarder = UplinkForwarder(
            settings: settings,
            log: log,
            logger: quietLogger,
            heartbeat: {
                HeartbeatPayload(
                    gateway: "GW-ACK",
                    enterprise: "E-ACK",
                    logID: log.logID,
                    time: .now(),
                    uptimeSeconds: 1,
                    configHash: "sha256:" + String(repeating: "0", count: 64),
                    devices: .init(ok: 1, demoted: 0, maintenance: 0),
                    outbox: .init(depth: 0, oldestUnacknowledged: nil, drops: .init(sizeCapUnacknowledged: 0)),
                    clock: .init(synchronized: true, offsetMilliseconds: nil)
                )
            }
        )
        return (log, forwarder)
    }

    @Test("nothing is acknowledged, the batch is retried, the status names the answer", arguments: refusals)
    func aReplyThatIsNotAnAcceptanceAcknowledgesNothing(_ reply: Case) async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Where a redirect points: a platform that would accept anything.
        let other = try await FakePlatform(.init(200, body: Self.counts))
        defer { other.stop() }
        let platform = try await FakePlatform(reply.reply(other.url + "/batches"))
        defer { platform.stop() }
        let (log, forwarder) = try await Self.forwarder(to: platform.url, in: directory)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        // The first attempt and one retry after the backoff (about 1 s).
        let deadline = ContinuousClock.now + .seconds(6)
        while platform.paths.filter({ $0 == "/batches" }).count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let values = forwarder.statistics.values
        #expect(platform.paths.filter { $0 == "/batches" }.count >= 2, "retried")
        #expect(values.acknowledged == 0)
        #expect(try await log.pending(for: "park").records == Self.entries, "every entry still in the log")
        #expect(try await log.deadLetters(destination: "park").isEmpty, "not a refusal")
        #expect(values.lastError?.contains(reply.says) == true, "\(values.lastError ?? "no error")")
        #expect(values.heartbeats == 0, "a heartbeat is not accepted by such an answer either")
        #expect(other.paths.isEmpty, "nothing was sent to the redirect's target: \(other.paths)")
        if reply.says == "redirects to" {
            #expect(values.lastError?.contains(other.url) == true, "the new location is named")
            #expect(values.lastError?.contains("set the uplink url to the final address") == true)
        }
    }

    @Test func aRedirectsCredentialsNeverReachTheStatus() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let platform = try await FakePlatform(
            .init(308, headers: [("Location", "https://operator:s3cret-pw@platform.example/batches")])
        )
        defer { platform.stop() }
        let (_, forwarder) = try await Self.forwarder(to: platform.url, in: directory)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(5)
        while forwarder.statistics.values.lastError == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let error = try #require(forwarder.statistics.values.lastError)
        #expect(error.contains("redirects to 'https://***@platform.example/batches'"), "\(error)")
        #expect(!error.contains("s3cret-pw"), "\(error)")
    }

    /// Acceptances (4 kinds), including one whose body is far beyond the 1 MiB that is read.
    @Test(
        "an explicit acceptance acknowledges",
        arguments: [
            counts,
            #"{"accepted": 4, "duplicate": false, "already_received": 6}"#,
            #"{"accepted": 0, "duplicate": true, "already_received": 0}"#,
            counts + String(repeating: " ", count: 3 << 20),
        ]
    )
    func anAcceptanceAcknowledges(_ body: String) async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let platform = try await FakePlatform(.init(200, headers: [("Content-Type", "application/json")], body: body))
        defer { platform.stop() }
        let (log, forwarder) = try await Self.forwarder(to: platform.url, in: directory)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(5)
        while try await log.pending(for: "park").records > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await log.pending(for: "park").records == 0)
        #expect(forwarder.statistics.values.acknowledged == Self.entries)
        #expect(forwarder.statistics.values.lastError == nil)
    }
}
