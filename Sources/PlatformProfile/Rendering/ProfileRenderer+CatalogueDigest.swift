import Crypto
import DeviceMap

extension ProfileRenderer {
    /// A digest of what the point catalogue carries: the profile's name and catalogue template, the
    /// site values, the gateway and every catalogue point and device with its platform fields. Equal
    /// across restarts while none of these changes (times and message ids are not part of it).
    public var catalogueDigest: String {
        var text = "\(profile.name)\n\(profile.messages[.catalogue].map { "\($0.body)" } ?? "-")\n"
        text += "\(site.gateway.id)|\(site.gateway.enterprise)|\(site.gateway.name ?? "")\n"
        for (name, value) in site.values.sorted(by: { $0.key < $1.key }) { text += "\(name)=\(value)\n" }
        for point in site.points {
            text += "\(point)|\(site.devices[point.device].map { "\($0)" } ?? "")\n"
        }
        return SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
