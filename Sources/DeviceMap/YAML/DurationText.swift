/// Durations as field engineers write them: `250ms`, `1s`, `1.5s`, `5m`, `1h`, `30d`.
package enum DurationText {
    /// - Returns: nil unless the text is a non-negative number with a unit, at most about 100 years.
    package static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingSpaces
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            // Bounded before converting, so that `1e300d` is refused instead of trapping in Int64(_:).
            let milliseconds = (value * seconds * 1000).rounded()
            guard milliseconds <= ConfigLimits.longestDuration / .milliseconds(1) else { return nil }
            return .milliseconds(Int64(milliseconds))
        }
        return nil
    }

    /// `250ms`, `1.5s`, `5m`: the shortest exact spelling.
    package static func format(_ duration: Duration) -> String {
        let milliseconds = duration / .milliseconds(1)
        if milliseconds >= 86_400_000, milliseconds.truncatingRemainder(dividingBy: 86_400_000) == 0 {
            return "\(Int(milliseconds / 86_400_000))d"
        }
        if milliseconds >= 3_600_000, milliseconds.truncatingRemainder(dividingBy: 3_600_000) == 0 {
            return "\(Int(milliseconds / 3_600_000))h"
        }
        if milliseconds >= 60000, milliseconds.truncatingRemainder(dividingBy: 60000) == 0 {
            return "\(Int(milliseconds / 60000))m"
        }
        if milliseconds >= 1000 {
            let seconds = milliseconds / 1000
            return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
        }
        return "\(Int(milliseconds.rounded()))ms"
    }
}

extension String {
    package var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
