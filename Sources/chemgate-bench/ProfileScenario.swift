import ArgumentParser
import DeviceMap
import GatewayCore
import Outbox
import PlatformProfile
import UplinkPayload

/// `profile`: records rendered per second by the profile engine (plain JSON with string values, and
/// SM4-CBC encrypted), beside chemgate's own batch writer on the same 500-record batches.
struct ProfileScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Records/s of the profile renderer (park-json-strings, mem-iot-sm4) vs the batch writer."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "The profile library.")
    var profiles = "profiles"

    func run() async throws {
        let site = Self.site(points: 500)
        let records = Self.records(site, at: Timestamp(milliseconds: 1_795_404_600_123))
        let batch = BatchPayload(
            gateway: "GW-BENCH",
            enterprise: "91320281MA1W8XYZ5K",
            batchID: "bench-1",
            sentAt: Timestamp(milliseconds: 1_795_404_605_000),
            records: records.compactMap { $0.reading.map { BatchRecord(reading: $0, backfill: false) } }
        )
        let window = options.window / 3
        let reference = Self.rate(records.count, for: window) { _ = batch.encodedBytes().count }
        let secrets = [
            "key": "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e", "iv": "00112233445566778899aabbccddeeff", "app_secret": "s",
        ]
        for name in ["park-json-strings", "mem-iot-sm4"] {
            let profile: PlatformProfile
            do throws(ConfigErrors) {
                profile = try ProfileLoader.load(path: "\(profiles)/\(name).yaml").0
            } catch {
                throw BenchFailure("\(profiles)/\(name).yaml does not load (run from the repository root): \(error)")
            }
            var renderer = try ProfileRenderer(profile: profile, site: site, secrets: secrets, seed: 1)
            let sentAt = Timestamp(milliseconds: 1_795_404_605_000)
            var failure: ProfileError?
            let rate = Self.rate(records.count, for: window) {
                do throws(ProfileError) {
                    _ = try renderer.render(records, sentAt: sentAt).messages.count
                } catch {
                    failure = error
                }
            }
            if let failure { throw BenchFailure("\(name): \(failure)") }
            Figure(
                scenario: "profile \(name)",
                label: "renderer",
                value: rate,
                unit: "records/s",
                referenceLabel: "batch writer",
                reference: reference,
                judged: rate / reference,
                target: .atLeast(0.25, "0.25 × batch writer"),
                note: "500-record batches; templates, time and value formatting per record, and the cipher"
            ).print()
        }
    }

    /// Calls `body` (which handles `count` records) for `window`; records per second.
    private static func rate(_ count: Int, for window: Duration, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var rounds = 0
        repeat {
            body()
            rounds += 1
        } while clock.now - start < window
        let seconds = (clock.now - start) / .seconds(1)
        return Double(rounds * count) / seconds
    }

    private static func site(points: Int) -> ProfileSite {
        let devices = stride(from: 0, to: points, by: 10).map { first in
            let device = "gd-\(first / 10)"
            return (
                CatalogueDevice(id: device, name: "罐区A 可燃气体检测器 \(device)"),
                (0..<10).map { index in
                    CataloguePoint(
                        device: device,
                        id: "p\(index)",
                        indicator: "3202810\(String(first + index).leftPadded(5))",
                        tag: "GT-\(first + index)",
                        name: "罐区A可燃气体 \(first + index)",
                        unit: "%LEL",
                        range: 0...100,
                        limits: AlarmLimits(high: 25, highHigh: 50, gasLevels: true),
                        decimals: 1
                    )
                }
            )
        }
        return ProfileSite(
            gateway: GatewayIdentity(id: "GW-BENCH", enterprise: "91320281MA1W8XYZ5K"),
            values: ["app_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "enterprise_name": "无锡某化工有限公司"],
            devices: devices
        )
    }

    private static func records(_ site: ProfileSite, at time: Timestamp) -> [Record] {
        site.points.enumerated().map { index, point in
            Record(
                sequence: Int64(index + 1),
                payload: .reading(
                    Reading(
                        gateway: "GW-BENCH",
                        device: point.device,
                        point: point.id,
                        indicator: point.indicator,
                        value: .number(Double(index % 1000) / 10),
                        unit: point.unit,
                        quality: .good,
                        timestamp: Timestamp(milliseconds: time.milliseconds + Int64(index)),
                        sequence: UInt64(index + 1)
                    )
                )
            )
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
