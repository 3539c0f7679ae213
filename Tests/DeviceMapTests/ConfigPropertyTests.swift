import Decoding
import Foundation
import Modbus
import PropertyBased
import Testing

@testable import DeviceMap

/// Random values in every field of a site file and its device map: loading either succeeds with every
/// value inside its documented range, or fails with errors that each name a line. Nothing traps, hangs
/// or recurses without bound (a crash here kills the test process; the time limit catches a hang).
@Suite("Configuration properties", .timeLimit(.minutes(1)))
struct ConfigPropertyTests {
    /// Cases per run; with `make test` on 2 busy cores the suite takes a few seconds.
    static let cases = 250

    @Test func theUnchangedFilesLoad() throws {
        let fuzz = ConfigFuzz(
            site: ConfigFuzz.siteText(Dictionary(uniqueKeysWithValues: ConfigFuzz.siteFields)),
            map: ConfigFuzz.mapText(Dictionary(uniqueKeysWithValues: ConfigFuzz.mapFields)),
            changes: []
        )
        let outcome = try Self.load(fuzz)
        guard case .loaded(let site) = outcome else {
            Issue.record("the base files do not load: \(outcome)")
            return
        }
        #expect(site.devices.first?.points.count == 6)
    }

    @Test func everyRefusalNamesALineAndEveryAcceptedValueIsInRange() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var refused = 0
        var loaded = 0
        await propertyCheck(count: Self.cases, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let fuzz = ConfigFuzz.make(seed: seed)
            let outcome: Outcome
            do {
                outcome = try Self.load(fuzz, in: directory)
            } catch {
                Issue.record("cannot write the files: \(error)")
                return
            }
            switch outcome {
            case .refused(let errors):
                refused += 1
                #expect(!errors.isEmpty, "refused without an error: \(fuzz)")
                for error in errors {
                    #expect(error.line > 0, "an error without a line: \(error) — \(fuzz)")
                    #expect(!error.message.isEmpty)
                    #expect(error.description.utf8.count < 20_000, "an error that repeats a long value — \(fuzz)")
                    #expect(!error.description.contains("secret-pw"), "an error that shows a password — \(fuzz)")
                }
            case .loaded(let site):
                loaded += 1
                Self.checkRanges(site, fuzz)
                _ = try? SitePlan.make(site).entries.count
                if let plan = try? SitePlan.make(site) { _ = BusTimeEstimate.estimates(for: site, plan: plan) }
            }
        }
        // The generator must exercise both paths, or the property says little.
        #expect(refused > Self.cases / 2, "\(refused) refused")
        #expect(loaded > 10, "\(loaded) loaded")
    }

    /// Values that loaded lie inside the ranges docs/device-maps.md documents.
    static func checkRanges(_ site: SiteConfig, _ fuzz: ConfigFuzz) {
        let ids =
            [site.gateway.id] + site.links.map(\.id) + site.devices.map(\.id) + site.uplinks.map(\.id)
            + site.scanClasses.keys + site.devices.flatMap { $0.map.points.map(\.id) }
        for id in ids {
            // Channel points add `_N` to an id of up to 64 characters.
            #expect(
                ConfigLimits.isSafeID(String(id.prefix(64))) && id.count <= 68,
                "unsafe id \(id.debugDescription) — \(fuzz)"
            )
        }
        for link in site.links {
            #expect(ConfigLimits.linkTimeout.contains(link.options.responseTimeout), "\(fuzz)")
        }
        for period in site.scanClasses.values { #expect(ConfigLimits.scanPeriod.contains(period), "\(fuzz)") }
        for uplink in site.uplinks {
            #expect(ConfigLimits.heartbeat.contains(uplink.heartbeat), "\(fuzz)")
            #expect(ConfigLimits.uplinkTimeout.contains(uplink.timeout), "\(fuzz)")
            #expect(ConfigLimits.batchDelay.contains(uplink.batchDelay), "\(fuzz)")
            #expect(UplinkURL.problem(uplink.url) == nil && !uplink.url.contains("@"), "\(fuzz)")
        }
        #expect(ConfigLimits.maxSize.contains(site.storage.maxBytes), "\(fuzz)")
        #expect(ConfigLimits.retention.contains(site.storage.retention), "\(fuzz)")
        #expect(ConfigLimits.probeInterval.contains(site.polling.probeInterval), "\(fuzz)")
        #expect(ConfigLimits.snapshotInterval.contains(site.polling.snapshotInterval), "\(fuzz)")
        for device in site.devices {
            let defaults = device.map.defaults
            for pause in [defaults.requestPause, defaults.connectPause, defaults.turnaround] {
                #expect(ConfigLimits.devicePause.contains(pause), "\(fuzz)")
            }
            for point in device.points {
                switch point.definition.conversion.scaling {
                case .factor(scale: let scale, offset: let offset):
                    #expect(scale != 0 && scale.isFinite && offset.isFinite, "scale \(scale) — \(fuzz)")
                case .linear(raw: let raw, engineering: let engineering):
                    #expect(
                        raw.lowerBound < raw.upperBound && engineering.lowerBound < engineering.upperBound,
                        "\(fuzz)"
                    )
                }
                for raw in point.definition.conversion.sentinels.keys where point.definition.type.registerCount < 4 {
                    #expect(raw >> (16 * point.definition.type.registerCount) == 0, "sentinel \(raw) — \(fuzz)")
                }
                if let frozen = point.definition.frozenAfter {
                    #expect(ConfigLimits.frozenAfter.contains(frozen), "\(fuzz)")
                }
            }
        }
    }

    enum Outcome {
        case loaded(SiteConfig)
        case refused([ConfigIssue])
    }

    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chemgate-fuzz-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("maps/test"),
            withIntermediateDirectories: true
        )
        return directory
    }

    static func load(_ fuzz: ConfigFuzz, in directory: URL? = nil) throws -> Outcome {
        let directory = try directory ?? Self.directory()
        try fuzz.map.write(
            to: directory.appendingPathComponent("maps/test/fuzz.yaml"),
            atomically: false,
            encoding: .utf8
        )
        let site = directory.appendingPathComponent("site.yaml")
        try fuzz.site.write(to: site, atomically: false, encoding: .utf8)
        do throws(ConfigErrors) {
            return .loaded(try SiteConfigLoader.load(path: site.path).0)
        } catch {
            return .refused(error.errors)
        }
    }
}
