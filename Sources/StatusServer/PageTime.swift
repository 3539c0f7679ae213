import Foundation
import GatewayCore

/// Times as the page shows them: in the site's time zone, with how long ago.
struct PageTime {
    let now: Timestamp
    let timeZone: TimeZone
    let language: StatusLanguage

    /// `2026-12-03 18:14:05`, in the site's time zone.
    func local(_ timestamp: Timestamp, date: Bool = true) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: TimeInterval(timestamp.milliseconds) / 1000)
        )
        func pad(_ value: Int?) -> String {
            let text = String(value ?? 0)
            return text.count < 2 ? "0" + text : text
        }
        let time = "\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second))"
        guard date else { return time }
        return "\(parts.year ?? 0)-\(pad(parts.month))-\(pad(parts.day)) \(time)"
    }

    /// `3 s ago`, `2 min ago`, `5 h ago`, `2 d ago` (Chinese: `3 秒前`…).
    func ago(_ timestamp: Timestamp) -> String {
        let seconds = max(0, (now.milliseconds - timestamp.milliseconds) / 1000)
        let zh = language == .chinese
        switch seconds {
        case ..<120: return zh ? "\(seconds) 秒前" : "\(seconds) s ago"
        case ..<7200: return zh ? "\(seconds / 60) 分钟前" : "\(seconds / 60) min ago"
        case ..<172_800: return zh ? "\(seconds / 3600) 小时前" : "\(seconds / 3600) h ago"
        default: return zh ? "\(seconds / 86400) 天前" : "\(seconds / 86400) d ago"
        }
    }

    /// `18:14:05 (2 min ago)` for an ISO time of the snapshot; `-` for none.
    func both(_ iso: String?) -> String {
        guard let iso, let timestamp = Self.parse(iso) else { return iso ?? "-" }
        let sameDay = local(timestamp).prefix(10) == local(now).prefix(10)
        return "\(local(timestamp, date: !sameDay)) (\(ago(timestamp)))"
    }

    /// Reads `2026-11-23T03:30:00.123Z` (``Timestamp``'s format).
    static func parse(_ text: String) -> Timestamp? {
        let digits = text.split { !$0.isNumber }.compactMap { Int($0) }
        guard text.hasSuffix("Z"), digits.count >= 6 else { return nil }
        let components = DateComponents(
            year: digits[0],
            month: digits[1],
            day: digits[2],
            hour: digits[3],
            minute: digits[4],
            second: digits[5]
        )
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { return nil }
        let millisecond = digits.count > 6 ? Int64(digits[6]) : 0
        return Timestamp(milliseconds: Int64(date.timeIntervalSince1970) * 1000 + millisecond)
    }
}
