import DeviceMap
import Foundation

/// Identifies the configuration in force: a hash over the site file and every map it uses, so the
/// status endpoint and the platform can tell which configuration a gateway runs.
enum ConfigHash {
    static func of(site: SiteConfig) -> String {
        var files = [site.path]
        files += Set(site.devices.map(\.map.path)).sorted()
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a, 64 bit
        for file in files {
            for byte in FileManager.default.contents(atPath: file) ?? Data(file.utf8) {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return "fnv1a64:" + String(hash, radix: 16)
    }
}
