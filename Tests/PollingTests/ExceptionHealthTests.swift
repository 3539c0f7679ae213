import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// A device answering exceptions is answering; a gateway answering 0A/0B for it is not.
@Suite("Exceptions and device health")
struct ExceptionHealthTests {
    @Test func aDeviceAnsweringException02WhileRebootingIsNeverDemotedAndComesBack() async throws {
        let fault = UnitFault(unit: 1, fault: .exception(.illegalDataAddress, addresses: nil))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, simulator, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
                scan_classes: { fast: 150ms }
                default_scan: fast
                polling: { demote_after: 2, probe_interval: 2s }
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "the refused points, bad with exception 02") {
                    await $0.readings(device: "u1", point: "unit_id").last?.quality == .bad(.deviceException(2))
                }
                // The device keeps refusing for more than demote_after cycles (a reboot), then answers.
                try await Task.sleep(for: .seconds(1))
                simulator.setFaults([], unit: 1)
                let healed = ContinuousClock.now
                try await fixture.sink.wait(for: "good values again", timeout: .seconds(5)) {
                    await $0.readings(device: "u1", point: "unit_id").last?.quality == .good
                }
                #expect(ContinuousClock.now - healed <= .seconds(2) + .milliseconds(700), "within one probe interval")
                #expect(await fixture.sink.readings(device: "u1", point: "unit_id").last?.value == .number(1))
            }
            #expect(fixture.service.statistics.devices["u1"]?.demoted == false)
            #expect(await !fixture.sink.events.contains { $0.kind == .deviceDemoted })
        }
    }

    @Test func exception03IsolatesThePointsWithTheExceptionAsReason() async throws {
        let fault = UnitFault(unit: 1, fault: .exception(.illegalDataValue, addresses: nil))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, _, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                polling: { demote_after: 2, probe_interval: 30s }
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "bad with exception 03") {
                    await $0.readings(device: "u1", point: "level").last?.quality == .bad(.deviceException(3))
                }
                try await Task.sleep(for: .milliseconds(600))  // several cycles with every point isolated
            }
            #expect(fixture.service.statistics.devices["u1"]?.demoted == false)
            #expect(await !fixture.sink.events.contains { $0.kind == .deviceDemoted })
        }
    }

    @Test(arguments: [ModbusException.gatewayPathUnavailable, .gatewayTargetFailedToRespond])
    func aGatewayExceptionCountsAsNoAnswer(_ exception: ModbusException) async throws {
        let fault = UnitFault(unit: 1, fault: .exception(exception, addresses: nil))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, _, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                polling: { demote_after: 2, probe_interval: 300ms }
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "demoted") { await $0.events.contains { $0.kind == .deviceDemoted } }
                try await Task.sleep(for: .seconds(1))  // about three probes, each answered \(exception)
            }
            #expect(fixture.service.statistics.devices["u1"]?.demoted == true)
            #expect(await !fixture.sink.events.contains { $0.kind == .deviceRecovered }, "a 0A/0B probe is no answer")
            let first = await fixture.sink.readings(device: "u1", point: "unit_id").first
            #expect(first?.quality == .bad(.gatewayPathFailed))
        }
    }
}
