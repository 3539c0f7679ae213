extension Duration {
    /// `250 ms`, `3 s`, `1.5 s`, `2 min`: for messages and event reasons.
    public var readableDescription: String {
        let milliseconds = self / .milliseconds(1)
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded())) ms" }
        if milliseconds >= 120_000, milliseconds.truncatingRemainder(dividingBy: 60000) == 0 {
            return "\(Int(milliseconds / 60000)) min"
        }
        let seconds = (milliseconds / 100).rounded() / 10
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
