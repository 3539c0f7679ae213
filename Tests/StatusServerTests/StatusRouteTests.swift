import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import Modbus
import Polling
import Simulator
import StatusServer
import TestSupport
import Testing

/// The status routes, driven without a socket, against a real poller.
@Suite("Status endpoint routes")
struct StatusRouteTests {
    static func application(_ fixture: StatusFixture, token: String? = nil) -> some ApplicationProtocol {
        Application(
            router: StatusRoutes.router(
                reporter: fixture.health,
                registry: sharedRegistry,
                token: token,
                logger: quietLogger
            )
        )
    }

    static func decode(_ body: ByteBuffer) throws -> HealthSnapshot {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(HealthSnapshot.self, from: Data(String(buffer: body).utf8))
    }

    @Test func statusReportsLinksDevicesPointsAndAlarms() async throws {
        let fixture = try StatusFixture(units: [1, 2])
        fixture.simulator.setState(.alarm1, unit: 2)
        try await fixture.polling {
            try await fixture.waitForPolls(3)
            try await Self.application(fixture).test(.router) { client in
                try await client.execute(uri: "/status", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json")
                    let snapshot = try Self.decode(response.body)
                    #expect(snapshot.gateway.id == "GW-STATUS")
                    #expect(snapshot.gateway.configHash == "test-hash")
                    #expect(snapshot.links.first?.state == "up")
                    #expect((snapshot.links.first?.transactions ?? 0) > 0)
                    #expect(snapshot.links.first?.rttP50Ms != nil)
                    #expect(snapshot.devices.map(\.state) == ["ok", "ok"])
                    #expect(snapshot.devices.first?.successRatio == 1)
                    #expect(snapshot.scanClasses.first?.configuredPeriodMs == 100)
                    #expect(
                        snapshot.points.contains {
                            $0.device == "gd-1" && $0.point == "concentration" && $0.quality == "good"
                        }
                    )
                    #expect(snapshot.alarms.contains { $0.device == "gd-2" && $0.level == "level1" })
                    #expect(snapshot.healthy, "\(snapshot.problems)")
                }
            }
        }
    }

    @Test func aDemotedDeviceMakesTheGatewayUnhealthy() async throws {
        let fixture = try StatusFixture(units: [1, 2], faults: [UnitFault(unit: 2, fault: .noReply)])
        try await fixture.polling {
            let deadline = ContinuousClock.now + .seconds(15)
            while await fixture.health.snapshot().devices.first(where: { $0.id == "gd-2" })?.state != "demoted",
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Self.application(fixture).test(.router) { client in
                try await client.execute(uri: "/status", method: .get) { response in
                    let snapshot = try Self.decode(response.body)
                    #expect(snapshot.devices.first { $0.id == "gd-2" }?.state == "demoted")
                    #expect(!snapshot.healthy)
                    #expect(snapshot.problems.contains("device gd-2 is demoted (not answering)"))
                    #expect((snapshot.links.first?.errors["timeout"] ?? 0) > 0)
                }
            }
        }
    }

    @Test func healthReadyMetricsAndThePage() async throws {
        let fixture = try StatusFixture(units: [1])
        try await fixture.polling {
            try await fixture.waitForPolls()
            try await Self.application(fixture).test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("chemgate_modbus_transactions_total"))
                }
                try await client.execute(uri: "/", method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(html.hasPrefix("<!DOCTYPE html>"))
                    #expect(html.contains("Active alarms"))
                    #expect(html.contains("gd-1"))
                    #expect(!html.contains("<script"), "no scripts, no CDN")
                }
                try await client.execute(uri: "/?lang=zh", method: .get) { response in
                    #expect(String(buffer: response.body).contains("当前报警"))
                }
                try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8"])
                { response in
                    #expect(String(buffer: response.body).contains("设备"))
                }
            }
        }
    }

    @Test func aTokenIsRequiredWhenConfigured() async throws {
        let fixture = try StatusFixture(units: [1])
        try await Self.application(fixture, token: "s3cret").test(.router) { client in
            try await client.execute(uri: "/status", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/status", method: .get, headers: [.authorization: "Bearer wrong"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer s3cret"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/?token=s3cret", method: .get) {
                #expect($0.status == .seeOther, "exchanged for a cookie")
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "chemgate_token=s3cret"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/healthz", method: .get) {
                #expect($0.status == .ok, "liveness needs no token")
            }
        }
        fixture.server.stop()
    }

    @Test func aNonLoopbackAddressWithoutATokenRefusesToStart() throws {
        let fixture = try StatusFixture(units: [1])
        defer { fixture.server.stop() }
        let error = #expect(throws: StatusServer.ConfigurationError.self) {
            try StatusServer(
                host: "0.0.0.0",
                port: 8080,
                token: nil,
                reporter: fixture.health,
                registry: sharedRegistry,
                logger: quietLogger
            )
        }
        #expect(error?.description.contains("without a token") == true)
        _ = try StatusServer(
            host: "0.0.0.0",
            port: 8080,
            token: "t",
            reporter: fixture.health,
            registry: sharedRegistry,
            logger: quietLogger
        )
        _ = try StatusServer(
            host: "127.0.0.1",
            port: 8080,
            token: nil,
            reporter: fixture.health,
            registry: sharedRegistry,
            logger: quietLogger
        )
    }

    @Test func maintenanceSwitchingNeedsATokenAndSuppressesAlarms() async throws {
        let fixture = try StatusFixture(units: [1])
        try await fixture.polling {
            try await fixture.waitForPolls()
            try await Self.application(fixture).test(.router) { client in
                try await client.execute(uri: "/devices/gd-1/maintenance?on=true", method: .post) {
                    #expect($0.status == .forbidden, "no token configured: no switching")
                }
            }
            try await Self.application(fixture, token: "s3cret").test(.router) { client in
                let headers: HTTPFields = [.authorization: "Bearer s3cret"]
                try await client.execute(uri: "/devices/gd-9/maintenance?on=true", method: .post, headers: headers) {
                    #expect($0.status == .notFound)
                }
                try await client.execute(
                    uri: "/devices/gd-1/maintenance?on=true&by=wang",
                    method: .post,
                    headers: headers
                ) {
                    #expect($0.status == .ok)
                }
            }
            fixture.simulator.setState(.alarm2, unit: 1)
            try await fixture.sink.wait(for: "maintenance quality") {
                await $0.readings(device: "gd-1", point: "concentration").last?.quality == .uncertain(.maintenance)
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(
                await fixture.sink.events.filter { $0.kind == .alarmRaised }.isEmpty,
                "alarms suppressed in maintenance"
            )
            #expect(await fixture.health.snapshot().devices.first?.state == "maintenance")
            let switched = await fixture.sink.events.filter { $0.kind == .maintenanceOn }
            #expect(switched.count == 1, "the switch is an event upstream")
            #expect(switched.first?.device == "gd-1")
            #expect(switched.first?.reason.contains("by wang") == true, "\(switched)")
        }
    }

    @Test func maintenanceTakesTheOperatorFromAFormOrAJSONBody() async throws {
        let fixture = try StatusFixture(units: [1])
        try await fixture.polling {
            try await fixture.waitForPolls()
            try await Self.application(fixture, token: "s3cret").test(.router) { client in
                var headers: HTTPFields = [.authorization: "Bearer s3cret"]
                headers[.contentType] = "application/x-www-form-urlencoded"
                try await client.execute(
                    uri: "/devices/gd-1/maintenance",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: "on=true&operator=Li+Na")
                ) {
                    #expect($0.status == .ok)
                }
                headers[.contentType] = "application/json"
                try await client.execute(
                    uri: "/devices/gd-1/maintenance",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"on": false, "operator": "Wang Wei"}"#)
                ) {
                    #expect($0.status == .ok)
                }
                try await client.execute(
                    uri: "/devices/gd-1/maintenance",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"operator": "nobody"}"#)
                ) {
                    #expect($0.status == .badRequest, "on is required")
                }
            }
            try await fixture.sink.wait(for: "two switch events") {
                await $0.events.filter { [.maintenanceOn, .maintenanceOff].contains($0.kind) }.count == 2
            }
            let events = await fixture.sink.events.filter { [.maintenanceOn, .maintenanceOff].contains($0.kind) }
            #expect(events.map(\.kind) == [.maintenanceOn, .maintenanceOff])
            #expect(events.first?.reason.contains("by Li Na") == true, "\(events)")
            #expect(events.last?.reason.contains("by Wang Wei") == true, "\(events)")
            #expect(await fixture.health.snapshot().devices.first?.state != "maintenance")
        }
    }
}
