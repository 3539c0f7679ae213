import Glibc

/// The process's open-file limit (`RLIMIT_NOFILE`): `chemgate run` raises the soft limit to the
/// hard limit at start, so that descriptors run out as late as the system allows.
///
/// Caveat: libmodbus waits with `select(2)`, which cannot watch a descriptor numbered 1024 or
/// more; the status endpoint's connection cap keeps the gateway's own count far below that.
enum OpenFileLimit {
    /// The soft and hard limit before and the soft limit after.
    struct Change: CustomStringConvertible {
        var before: UInt64
        var hard: UInt64
        var after: UInt64
        /// Why the soft limit could not be raised, if it could not.
        var failure: String?

        var description: String {
            if let failure { return "open-file limit stays at \(before) (hard limit \(hard)): \(failure)" }
            return after == before
                ? "open-file limit \(before) (already the hard limit)"
                : "open-file limit raised from \(before) to \(after) (the hard limit)"
        }
    }

    /// The largest soft limit asked for when the hard limit is unlimited (the kernel's usual `nr_open`).
    static let ceiling: UInt64 = 1 << 20

    /// Raises the soft limit to the hard limit (at most ``ceiling`` when unlimited: `RLIM_INFINITY`, all ones).
    static func raise() -> Change {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return Change(before: 0, hard: 0, after: 0, failure: String(cString: strerror(errno)))
        }
        let before = UInt64(limit.rlim_cur)
        let hard = UInt64(limit.rlim_max)
        let target = limit.rlim_max == rlim_t.max ? min(hard, ceiling) : hard
        guard target > before else { return Change(before: before, hard: hard, after: before) }
        var raised = limit
        raised.rlim_cur = rlim_t(target)
        guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 else {
            return Change(before: before, hard: hard, after: before, failure: String(cString: strerror(errno)))
        }
        return Change(before: before, hard: hard, after: target)
    }
}
