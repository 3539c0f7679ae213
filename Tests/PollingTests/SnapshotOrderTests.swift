import DeviceMap
import GatewayCore
import Polling
import TestSupport
import Testing

/// The periodic snapshot and `latest()` list every point once, in the site's order (devices as listed,
/// each device's points as its map lists them), also after a reload that added, removed and kept
/// points: ``PointProcessor/tick()`` walks its state table in place, whose order is the site's.
@Suite("Snapshots in the site's order")
struct SnapshotOrderTests {
    static func site(_ devices: String) throws -> SiteConfig {
        try PollingFixture.site(
            """
            links: [ { id: plc, endpoint: "tcp://127.0.0.1:1" } ]
            scan_classes: { fast: 1s }
            default_scan: fast
            polling: { snapshot_interval: 1s }
            devices:
            \(devices)
            """
        )
    }

    /// `device/point` of every reported point, in the site's order.
    static func keys(_ site: SiteConfig) -> [String] {
        site.devices.filter(\.enabled).flatMap { device in
            device.points.filter { !$0.definition.hidden }.map { "\(device.id)/\($0.id)" }
        }
    }

    @Test func aSnapshotListsThePointsInTheSitesOrderBeforeAndAfterAReload() async throws {
        let detector = "map: generic/combustible-gas-detector"
        let first = try Self.site(
            """
              - { id: gd2, link: plc, unit: 2, \(detector) }
              - { id: sim, link: plc, unit: 3, map: chemgate/simulator }
              - { id: gd1, link: plc, unit: 1, \(detector) }
            """
        )
        // gd2 removed, gd4 added between the two kept devices, which keep their state.
        let second = try Self.site(
            """
              - { id: sim, link: plc, unit: 3, map: chemgate/simulator }
              - { id: gd4, link: plc, unit: 4, \(detector) }
              - { id: gd1, link: plc, unit: 1, \(detector) }
            """
        )
        // An origin an hour back: the first tick is past the snapshot interval.
        let processor = PointProcessor(site: first, origin: .now - .seconds(3600))
        var deliveries = processor.deliveries.makeAsyncIterator()
        for device in ["gd1", "sim", "gd2"] { await processor.mark(device: device, quality: .bad(.timeout)) }
        for _ in 0..<3 { _ = await deliveries.next() }

        await processor.tick()
        let tick = try #require(await deliveries.next())
        let before = tick.readings.filter { $0.report == .snapshot }
        #expect(before.map { "\($0.device)/\($0.point)" } == Self.keys(first))
        // The tick's readings are numbered in one run, after the marks' (the snapshot is built in the
        // array delivered and numbered there, not copied).
        let numbers = tick.readings.map(\.sequence)
        let start = try #require(numbers.first)
        #expect(start > 1 && numbers == Array(start..<start + UInt64(numbers.count)))
        #expect(Self.keys(first).count > 6, "several points a device")

        let changes = await processor.apply(site: second, replacing: first)
        #expect(Set(changes.removed.map { $0.split(separator: "/")[0] }) == ["gd2"])
        await processor.mark(device: "gd4", quality: .bad(.timeout))
        _ = await deliveries.next()
        try await Task.sleep(for: .milliseconds(1100))
        await processor.tick()
        var after: [Reading] = []
        while after.isEmpty {
            let delivery = try #require(await deliveries.next())
            after = delivery.readings.filter { $0.report == .snapshot }
        }
        #expect(after.map { "\($0.device)/\($0.point)" } == Self.keys(second))
        #expect(await processor.latest().map { "\($0.device)/\($0.point)" } == Self.keys(second))
    }
}
