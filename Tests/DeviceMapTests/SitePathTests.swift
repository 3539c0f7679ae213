import DeviceMap
import Foundation
import TestSupport
import Testing

/// Every relative path of a site file resolves from the site file's folder, whatever the working
/// directory of the command that loads it (`run`, `history`, `dead-letters` under systemd or by hand).
@Suite("Site paths")
struct SitePathTests {
    static func load(storage: String) throws -> (site: SiteConfig, folder: String) {
        let folder = try Tools.temporaryDirectory().resolvingSymlinksInPath()
        let file = folder.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-P, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: []
        devices: []
        \(storage)
        """.write(to: file, atomically: true, encoding: .utf8)
        let (site, _) = try SiteConfigLoader.load(path: file.path)
        return (site, folder.path)
    }

    @Test func aRelativeStoragePathResolvesFromTheSiteFilesFolder() throws {
        let (site, folder) = try Self.load(storage: "storage: { path: data/log.sqlite }")
        #expect(site.storage.path == folder + "/data/log.sqlite")
        #expect(FileManager.default.currentDirectoryPath != folder, "the working directory is elsewhere")
    }

    @Test func theDefaultLogSitsBesideTheSiteFile() throws {
        let (site, folder) = try Self.load(storage: "")
        #expect(site.storage.path == folder + "/chemgate.sqlite")
    }

    @Test func anAbsoluteStoragePathIsKept() throws {
        let (site, _) = try Self.load(storage: "storage: { path: /var/lib/chemgate/chemgate.sqlite }")
        #expect(site.storage.path == "/var/lib/chemgate/chemgate.sqlite")
    }
}
