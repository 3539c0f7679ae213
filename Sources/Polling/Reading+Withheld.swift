import GatewayCore

extension Reading {
    /// A bad reading carries no engineering value: drops it and keeps the registers (`raw`) for
    /// diagnosis instead, so no page or platform shows a faulted detector's 3276.7 %LEL. Good and
    /// uncertain readings keep their value and carry no `raw`. `registers` is only formatted for a
    /// bad reading (formatting it for every reading cost several allocations per value).
    mutating func withholdBadValue(raw registers: @autoclosure () -> String?) {
        guard quality.level == .bad else {
            raw = nil
            return
        }
        value = nil
        raw = registers()
    }

    /// On a stale reading, `ts` goes back to the last successful read (`lastRead`, when there was one)
    /// and `staleSince` says when the staleness was `detected`; a reading that is not stale has no
    /// `staleSince`.
    mutating func markStale(lastRead: Timestamp?, detected: Timestamp) {
        guard quality == .bad(.stale) else {
            staleSince = nil
            return
        }
        if staleSince == nil { staleSince = detected }
        if let lastRead { timestamp = lastRead }
    }
}
