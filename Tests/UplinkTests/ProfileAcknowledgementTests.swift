import DeviceMap
import Foundation
import GatewayCore
import Outbox
import PlatformProfile
import TestSupport
import Testing
import Uplink

/// A profile uplink over HTTP (mem-iot-sm4) against a real HTTP server: what the platform's reply rule
/// makes of each answer. An HTTP 200 carrying a failure code keeps the batch; a permanent refusal
/// dead-letters it naming the reply; `{"code": 0}` acknowledges it, after the point catalogue.
@Suite("Profile uplink: acknowledgement by the profile's reply rule")
struct ProfileAcknowledgementTests {
    static let entries = 10
    static let secrets = [
        "key": "0123456789abcdeffedcba9876543210", "iv": "00112233445566778899aabbccddeeff", "app_secret": "s3cret",
    ]

    static func forwarder(to url: String, in directory: URL, unit: String = "%LEL") async throws
        -> (DurableLog, UplinkForwarder)
    {
        let log = try DurableLog(
            path: directory.appendingPathComponent("log.sqlite").path,
            options: LogOptions(synchronous: .normal, destinations: ["mem"])
        )
        let now = Timestamp.now().milliseconds
        try await log.append(
            (0..<entries).map { index in
                Reading(
                    gateway: "GW-P",
                    device: "gd-1",
                    point: "gas",
                    value: .number(Double(index)),
                    unit: "%LEL",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: now - 60_000 + Int64(index) * 1000)
                )
            }
        )
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let profile = try ProfileLoader.load(path: repository + "/profiles/mem-iot-sm4.yaml").0
        let site = ProfileSite(
            gateway: GatewayIdentity(id: "GW-P", enterprise: "E-P"),
            values: ["app_id": "app-1"],
            devices: [
                (
                    CatalogueDevice(id: "gd-1"),
                    [CataloguePoint(device: "gd-1", id: "gas", indicator: "GD1_LEL", unit: unit, decimals: 0)]
                )
            ]
        )
        var settings = UplinkForwarder.Settings(
            id: "mem",
            url: url + "/api/realtime",
            gateway: "GW-P",
            enterprise: "E-P",
            batchDelay: .milliseconds(50),
            heartbeatInterval: .seconds(30),
            timeout: .seconds(5)
        )
        settings.profile = ProfileChannel(
            renderer: try ProfileRenderer(profile: profile, site: site, secrets: secrets)
        )
        let forwarder = UplinkForwarder(settings: settings, log: log, logger: quietLogger) { nil }
        return (log, forwarder)
    }

    static func decoded(_ body: [UInt8]) throws -> DecodedMessage {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let profile = try ProfileLoader.load(path: repository + "/profiles/mem-iot-sm4.yaml").0
        return try ProfileDecoder(profile: profile, secrets: secrets).decode(body)
    }

    @Test func anHTTP200WithAFailureCodeKeepsTheBatch() async throws {
        let directory = try Tools.temporaryDirectory()
        // The catalogue and heartbeats are accepted; every data message gets HTTP 200 with code 500.
        let platform = try await FakePlatform { received in
            let kind = (try? Self.decoded(received.body))?.kind
            return .init(200, body: kind == .data ? #"{"code": 500, "msg": "busy"}"# : #"{"code": 0}"#)
        }
        defer { platform.stop() }
        let (log, forwarder) = try await Self.forwarder(to: platform.url, in: directory)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        func dataRequests() -> Int {
            platform.requests.filter { (try? Self.decoded($0.body))?.kind == .data }.count
        }
        let deadline = ContinuousClock.now + .seconds(6)
        while dataRequests() < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(dataRequests() >= 2, "the batch was sent again")
        #expect(platform.paths.allSatisfy { $0 == "/api/realtime" }, "posted to the uplink's url itself")
        let values = forwarder.statistics.values
        #expect(values.acknowledged == 0)
        #expect(values.catalogueAcknowledgement != nil)
        #expect(try await log.pending(for: "mem").records == Self.entries, "every reading still in the log")
        #expect(try await log.deadLetters(destination: "mem").isEmpty)
        #expect(values.lastError?.contains("code = 500") == true, "\(values.lastError ?? "no error")")
    }

    @Test func aPermanentRefusalDeadLettersNamingTheReply() async throws {
        let directory = try Tools.temporaryDirectory()
        let platform = try await FakePlatform(.init(200, body: #"{"code": 0}"#))
        defer { platform.stop() }
        let (log, forwarder) = try await Self.forwarder(to: platform.url, in: directory)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        // The catalogue is accepted; then the platform refuses the data for good (401 in its reply).
        var deadline = ContinuousClock.now + .seconds(5)
        while platform.requests.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        platform.set(.init(200, body: #"{"code": 401, "msg": "appid unknown"}"#))
        deadline = ContinuousClock.now + .seconds(5)
        while try await log.deadLetters(destination: "mem").isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let letters = try await log.deadLetters(destination: "mem")
        #expect(letters.reduce(0) { $0 + $1.sequences.count } == Self.entries)
        #expect(letters.first?.reason.contains("code = 401") == true, "\(letters.first?.reason ?? "none")")
        #expect(try await log.pending(for: "mem").records == 0)
    }

    @Test func codeZeroAcknowledgesAfterTheCatalogue() async throws {
        let directory = try Tools.temporaryDirectory()
        let platform = try await FakePlatform(.init(200, body: #"{"code": 0}"#))
        defer { platform.stop() }
        let (log, forwarder) = try await Self.forwarder(to: platform.url, in: directory)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(6)
        while try await log.pending(for: "mem").records > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await log.pending(for: "mem").records == 0)
        #expect(forwarder.statistics.values.acknowledged == Self.entries)
        #expect(forwarder.statistics.values.catalogueAcknowledgement != nil)
        // Heartbeats keep their own period; among the rest, the catalogue goes before any data.
        let messages = try platform.requests.map { try Self.decoded($0.body) }
        #expect(
            platform.requests.allSatisfy {
                String(decoding: $0.body, as: UTF8.self).hasPrefix(#"{"appid":"app-1","data":""#)
            }
        )
        let catalogue = try #require(messages.firstIndex { $0.kind == .catalogue })
        let data = try #require(messages.firstIndex { $0.kind == .data })
        #expect(catalogue < data, "catalogue first: \(messages.map(\.kind))")
        #expect(messages[catalogue].points.first?[.pointIndicator] == "GD1_LEL")
        let values = messages.filter { $0.kind == .data }.flatMap(\.readings).compactMap { $0[.recordValue] }
        #expect(values == (0..<Self.entries).map { String($0) }, "every reading, in order")
    }

    /// The catalogue goes at start only when the platform has not accepted this one yet: not again after
    /// a restart with the same configuration, again after a change (here the point's unit).
    @Test func theCatalogueGoesAgainOnlyAfterAChange() async throws {
        let directory = try Tools.temporaryDirectory()
        let platform = try await FakePlatform(.init(200, body: #"{"code": 0}"#))
        defer { platform.stop() }
        func runOnce(unit: String) async throws -> Int {
            let before = platform.requests.count
            let (log, forwarder) = try await Self.forwarder(to: platform.url, in: directory, unit: unit)
            let task = Task { try await forwarder.run() }
            let deadline = ContinuousClock.now + .seconds(5)
            while try await log.pending(for: "mem").records > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            task.cancel()
            _ = await task.result
            return try platform.requests.dropFirst(before).filter { try Self.decoded($0.body).kind == .catalogue }.count
        }
        #expect(try await runOnce(unit: "%LEL") == 1, "a new uplink: the catalogue goes")
        #expect(try await runOnce(unit: "%LEL") == 0, "the same configuration: not again")
        #expect(try await runOnce(unit: "ppm") == 1, "a changed point: again")
    }

    /// A reload (SIGHUP, `chemgate reload`) that adds a point gives the profile uplink the new site: the
    /// changed catalogue goes again before the next data, and the new point's readings, unknown to the
    /// old site (`indicated_points_only`), are sent with their indicator.
    @Test func aReloadedSiteSendsItsCatalogueAgainBeforeTheNewPointsData() async throws {
        let directory = try Tools.temporaryDirectory()
        let platform = try await FakePlatform(.init(200, body: #"{"code": 0}"#))
        defer { platform.stop() }
        let (log, forwarder) = try await Self.forwarder(to: platform.url, in: directory)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        var deadline = ContinuousClock.now + .seconds(6)
        while try await log.pending(for: "mem").records > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let channel = try #require(forwarder.settings.profile)
        let gas = CataloguePoint(device: "gd-1", id: "gas", indicator: "GD1_LEL", unit: "%LEL", decimals: 0)
        let h2s = CataloguePoint(device: "gd-1", id: "h2s", indicator: "GD1_H2S", unit: "ppm", decimals: 0)
        let reloaded = ProfileSite(
            gateway: GatewayIdentity(id: "GW-P", enterprise: "E-P"),
            values: ["app_id": "app-1"],
            devices: [(CatalogueDevice(id: "gd-1"), [gas, h2s])]
        )
        #expect(try channel.replaceSite(reloaded), "a point was added: the catalogue changed")
        #expect(try !channel.replaceSite(reloaded), "the same site again: no change")
        let before = platform.requests.count
        let now = Timestamp.now().milliseconds
        try await log.append(
            (0..<3).map { index in
                Reading(
                    gateway: "GW-P",
                    device: "gd-1",
                    point: "h2s",
                    value: .number(Double(10 + index)),
                    unit: "ppm",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: now + Int64(index))
                )
            }
        )
        deadline = ContinuousClock.now + .seconds(6)
        while try await log.pending(for: "mem").records > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let messages = try platform.requests.dropFirst(before).map { try Self.decoded($0.body) }
            .filter { $0.kind != .heartbeat }
        let catalogue = try #require(messages.firstIndex { $0.kind == .catalogue }, "\(messages.map(\.kind))")
        let data = try #require(messages.firstIndex { $0.kind == .data }, "\(messages.map(\.kind))")
        #expect(catalogue < data, "the new catalogue before the new point's data")
        #expect(messages[catalogue].points.compactMap { $0[.pointIndicator] }.sorted() == ["GD1_H2S", "GD1_LEL"])
        let values = messages.filter { $0.kind == .data }.flatMap(\.readings).compactMap { $0[.recordValue] }
        #expect(values == ["10", "11", "12"], "the new point's readings, in order")
    }
}
