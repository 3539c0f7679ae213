import DeviceMap
import Foundation
import Modbus
import TestSupport
import Testing

/// Site configuration of serial device servers (`rtu+tcp://`) and DTUs (`dtu_listen`, `dtu://`),
/// and their bus time with the network round trip.
@Suite("Serial device server and DTU links in the site file")
struct NetworkLinkConfigTests {
    static func load(_ body: String) throws -> Result<(SiteConfig, [ConfigIssue]), ConfigErrors> {
        let folder = try Tools.temporaryDirectory()
        let file = folder.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-N, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        \(body)
        """.write(to: file, atomically: true, encoding: .utf8)
        do throws(ConfigErrors) {
            return .success(try SiteConfigLoader.load(path: file.path))
        } catch {
            return .failure(error)
        }
    }

    static func errors(_ body: String) throws -> [String] {
        switch try load(body) {
        case .success: []
        case .failure(let error): error.errors.map(\.description)
        }
    }

    @Test func readsADTUSite() throws {
        let result = try Self.load(
            """
            dtu_listen: 0.0.0.0:9502
            dtu: { heartbeat: "hex:FE01", allow: [10.0.0.0/8] }
            links:
              - { id: nport, endpoint: "rtu+tcp://10.0.0.7:4001?baud=19200&parity=N", connect_timeout: 2s }
              - { id: station-7, endpoint: "dtu://ST7", round_trip: 450ms }
              - { id: station-8, endpoint: "dtu://860123456789012", registration: "regex:^REG,(\\\\d{15})", heartbeat: PING }
            devices:
              - { id: GD-1, link: nport, unit: 1, map: generic/combustible-gas-detector }
              - { id: GD-2, link: station-7, unit: 2, map: generic/combustible-gas-detector }
            """
        )
        let (site, _) = try result.get()
        #expect(site.dtuListener?.port == 9502 && site.dtuListener?.host == "0.0.0.0")
        #expect(site.dtuListener?.allow?.permits("10.1.2.3") == true)
        let nport = try #require(site.link("nport"))
        #expect(nport.options.connectTimeout == .seconds(2))
        #expect(nport.estimatedRoundTrip == .milliseconds(20))
        let seven = try #require(site.link("station-7"))
        #expect(seven.dtu?.registrationID == "ST7")
        #expect(seven.dtu?.heartbeat?.bytes == [0xFE, 0x01], "the dtu: section's heartbeat")
        #expect(seven.estimatedRoundTrip == .milliseconds(450))
        let eight = try #require(site.link("station-8"))
        #expect(eight.dtu?.registration == .pattern("^REG,(\\d{15})"))
        #expect(eight.dtu?.heartbeat?.bytes == Array("PING".utf8), "the link's own heartbeat")
        #expect(eight.estimatedRoundTrip == .milliseconds(300), "4G default")
    }

    @Test func aDTULinkNeedsAListener() throws {
        let errors = try Self.errors(
            """
            links: [{ id: station-7, endpoint: "dtu://ST7" }]
            devices: []
            """
        )
        #expect(errors.count == 1 && errors[0].contains("no dtu_listen"), "\(errors)")
    }

    @Test func twoDTUsCannotShareARegistrationID() throws {
        let errors = try Self.errors(
            """
            dtu_listen: 0.0.0.0:9502
            links:
              - { id: a, endpoint: "dtu://ST7" }
              - { id: b, endpoint: "dtu://ST7" }
            devices: []
            """
        )
        #expect(errors.count == 1 && errors[0].contains("like link 'a'"), "\(errors)")
    }

    @Test func settingsOfOtherLinkKindsAreRefused() throws {
        let errors = try Self.errors(
            """
            dtu_listen: 0.0.0.0:9502
            links:
              - { id: plc, endpoint: "tcp://10.0.0.5:502", connect_timeout: 2s }
              - { id: srv, endpoint: "rtu+tcp://10.0.0.7:4001", heartbeat: HB }
              - { id: srv2, endpoint: "rtu+tcp://10.0.0.7:4001" }
              - { id: dtu1, endpoint: "dtu://ST7", registration: "regex:(" }
              - { id: dtu2, endpoint: "dtu://NOTHEX", registration: hex }
            devices: []
            """
        )
        #expect(
            errors.contains { $0.contains("'connect_timeout' in link 'plc' applies only to rtu+tcp://") },
            "\(errors)"
        )
        #expect(errors.contains { $0.contains("'heartbeat' in link 'srv' applies only to dtu://") }, "\(errors)")
        #expect(errors.contains { $0.contains("already the serial device server port of link 'srv'") }, "\(errors)")
        #expect(errors.contains { $0.contains("not a valid regular expression") }, "\(errors)")
        #expect(errors.contains { $0.contains("registration: hex") }, "\(errors)")
        #expect(errors.count == 5, "\(errors)")
    }

    @Test func unitIdsBehindAServerAreRTUUnitIds() throws {
        let errors = try Self.errors(
            """
            links: [{ id: nport, endpoint: "rtu+tcp://10.0.0.7:4001" }]
            devices: [{ id: GD-1, link: nport, unit: 0, map: generic/combustible-gas-detector }]
            """
        )
        #expect(errors.count == 1 && errors[0].contains("unit"), "\(errors)")
    }

    @Test func busTimeAddsTheRoundTripPerRead() throws {
        let (site, _) = try Self.load(
            """
            dtu_listen: 0.0.0.0:9502
            scan_classes: { fast: 1s }
            links:
              - { id: station-7, endpoint: "dtu://ST7?baud=9600&parity=N", round_trip: 400ms }
              - { id: bus, endpoint: "rtu:///dev/ttyS9?baud=9600&parity=N" }
            devices:
              - { id: GD-1, link: station-7, unit: 1, map: generic/combustible-gas-detector, scan: fast }
              - { id: GD-2, link: station-7, unit: 2, map: generic/combustible-gas-detector, scan: fast }
              - { id: GD-3, link: bus, unit: 1, map: generic/combustible-gas-detector, scan: fast }
              - { id: GD-4, link: bus, unit: 2, map: generic/combustible-gas-detector, scan: fast }
            """
        ).get()
        let plan = try SitePlan.make(site)
        let estimates = BusTimeEstimate.estimates(for: site, plan: plan)
        let dtu = try #require(estimates.first { $0.link == "station-7" })
        let serial = try #require(estimates.first { $0.link == "bus" })
        #expect(dtu.reads == serial.reads)
        #expect(dtu.networkRoundTrip == .milliseconds(400))
        #expect(dtu.cycle == serial.cycle + .milliseconds(400) * dtu.reads, "\(dtu.cycle) vs \(serial.cycle)")
        #expect(dtu.cycle > dtu.period, "two detectors over 4G cannot keep a 1 s scan at 400 ms per read")
    }
}
