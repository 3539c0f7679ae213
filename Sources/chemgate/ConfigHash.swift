import Crypto
import DeviceMap
import Foundation

/// Identifies the configuration in force: SHA-256 over the site file and every map it uses, so the
/// status endpoint and the platform (heartbeat `config_hash`) can tell which configuration a gateway runs.
enum ConfigHash {
    static func of(site: SiteConfig) -> String {
        var hasher = SHA256()
        for file in [site.path] + Set(site.devices.map(\.map.path)).sorted() {
            hasher.update(data: Data(file.utf8))
            hasher.update(data: FileManager.default.contents(atPath: file) ?? Data())
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
