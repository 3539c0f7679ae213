import DeviceMap
import Foundation
import GatewayCore
import Polling
import TestSupport

/// A site written for one test, polled by a real `PollingService` into a `CollectingSink`.
struct PollingFixture {
    let site: SiteConfig
    let service: PollingService
    let sink = CollectingSink()

    /// - Parameter yaml: the site, without `gateway` and `devices_path` (both added).
    init(_ yaml: String) throws {
        let site = try Self.site(yaml)
        self.site = site
        service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
    }

    /// A site written to a temporary file and loaded; `yaml` without `gateway` and `devices_path`.
    static func site(_ yaml: String) throws -> SiteConfig {
        let directory = try Tools.temporaryDirectory()
        let file = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-TEST, enterprise: TEST }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        \(yaml)
        """.write(to: file, atomically: true, encoding: .utf8)
        return try SiteConfigLoader.load(path: file.path).0
    }

    /// Polls while `body` runs, then stops the service and waits for it to end.
    func polling<T>(_ body: () async throws -> T) async throws -> T {
        let service = self.service
        let task = Task { try await service.run() }
        defer { task.cancel() }
        let result = try await body()
        task.cancel()
        _ = await task.result
        return result
    }
}
