import ArgumentParser
import DeviceMap
import Foundation
import GatewayCore
import Modbus
import Planner

/// `planner`: reads per cycle of chemgate's planner beside the exact minimum (``MinimumReads``) for
/// every map in Devices/ and for generated sparse maps; ThingsBoard's one request per tag beside.
struct PlannerScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planner",
        abstract: "Reads per cycle vs the exact minimum, for Devices/ and generated sparse maps (target: equal)."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "The device map library.")
    var devices = "Devices"

    @Option(help: "How many sparse maps to generate (default 2000, 200 with --quick).")
    var generated: Int?

    func run() async throws {
        for path in try mapFiles() {
            let map: DeviceMap
            do throws(ConfigErrors) {
                map = try DeviceMapLoader.load(path: path)
            } catch {
                throw BenchFailure("\(path) does not load: \(error)")
            }
            // Computed points read no register (DeviceReadout plans only the others).
            let points = map.points.filter { !$0.isComputed }.map {
                PlannedPoint(id: $0.id, table: $0.table, address: $0.address, count: $0.count)
            }
            let plan = try RequestPlan.make(points: points, limits: map.plannerLimits)
            guard let minimum = MinimumReads.count(points: points, limits: map.plannerLimits) else {
                throw BenchFailure("\(path): no plan within the limits, yet the planner made one")
            }
            Figure(
                scenario: "planner \(path)",
                label: "chemgate",
                value: Double(plan.reads.count),
                unit: "reads",
                referenceLabel: "minimum",
                reference: Double(minimum),
                judged: Double(plan.reads.count - minimum),
                target: .equal(0, "minimum"),
                note: "one request per tag (ThingsBoard): \(points.count)"
            ).print()
        }
        try generatedMaps()
    }

    private func mapFiles() throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: devices) else {
            throw BenchFailure("no device library at \(devices) (run from the repository root, or pass --devices)")
        }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }.sorted()
            .map { "\(devices)/\($0)" }
    }

    /// Sparse maps: points of 1, 2 and 4 registers (and bits) scattered over a few hundred addresses,
    /// with varied maximum read sizes, gap allowances, forbidden ranges and single-register devices.
    private func generatedMaps() throws {
        let count = generated ?? (options.quick ? 200 : 2000)
        var random = SplitMix64(seed: 0x5A5E)
        var planned = 0
        var minimum = 0
        var tags = 0
        var worse = 0
        let clock = ContinuousClock()
        var planning = Duration.zero
        var skipped = 0
        for index in 0..<count {
            let forbiddenStart = Int(random.next() % 300)
            let limits = PlannerLimits(
                maxRegisters: [125, 100, 60, 32, 16, 8][Int(random.next() % 6)],
                maxBits: [2000, 256, 64][Int(random.next() % 3)],
                maxGap: [0, 0, 2, 5, 10, 40][Int(random.next() % 6)],
                singleRegister: random.next() % 25 == 0,
                forbidden: random.next() % 4 == 0 ? [.holding: [forbiddenStart...forbiddenStart + 9]] : [:]
            )
            var points: [PlannedPoint] = []
            let size = 1 + Int(random.next() % 120)
            let spread = 50 + Int(random.next() % 2000)
            for number in 0..<size {
                let tables: [ModbusTable] = [.holding, .holding, .holding, .input, .coil, .discrete]
                let table = tables[Int(random.next() % 6)]
                let width = table.holdsBits ? 1 : [1, 1, 2, 2, 4][Int(random.next() % 5)]
                let address = Int(random.next() % UInt64(spread))
                points.append(PlannedPoint(id: "p\(number)", table: table, address: address, count: width))
            }
            let start = clock.now
            let plan: RequestPlan
            do throws(PlanningError) {
                plan = try RequestPlan.make(points: points, limits: limits)
            } catch {
                // A point inside a forbidden range, or overlapping points wider than one read: no plan.
                skipped += 1
                continue
            }
            planning += clock.now - start
            guard let best = MinimumReads.count(points: points, limits: limits) else {
                throw BenchFailure("generated map \(index): the planner made a plan where no plan should exist")
            }
            planned += plan.reads.count
            minimum += best
            tags += points.count
            if plan.reads.count != best { worse += 1 }
        }
        Figure(
            scenario: "planner \(count) sparse maps",
            label: "chemgate",
            value: Double(planned),
            unit: "reads",
            referenceLabel: "minimum",
            reference: Double(minimum),
            judged: Double(worse),
            target: .equal(0, "minimum on every map"),
            note: "\(worse) maps above the minimum, \(skipped) without a plan; one request per tag: \(tags); "
                + "planning \(Figure.format(planning.secondsValue * 1e6 / Double(max(count, 1)))) µs per map"
        ).print()
    }
}
