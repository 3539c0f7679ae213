import GatewayCore
import Synchronization

extension DurableLog {
    /// What is wrong with the log's file, once ``checkFile()`` found it deleted or replaced; nil while
    /// it is the file the log opened.
    public var fileProblem: String? { fileState.withLock { $0 } }

    /// Checks that the file at ``path`` is still the one the log opened (same device and inode).
    ///
    /// SQLite goes on writing to a deleted file's inode, so a log deleted or replaced under a running
    /// gateway looks healthy while everything it stores is lost at the next start. The first time this
    /// finds it, it records a `log_replaced` event (in the file still open, so the uplink delivers it)
    /// and returns the problem; afterwards ``fileProblem`` keeps it and this returns nil.
    @discardableResult
    public func checkFile() async -> String? {
        guard fileState.withLock({ $0 }) == nil, let identity else { return nil }
        let now = LogFile.identity(path: path)
        guard now != identity else { return nil }
        let problem =
            now == nil
            ? "the log file \(path) was deleted while the gateway runs: what it stores now is lost at the next "
                + "start; restart the gateway (a new log with a new log_id is started) and find out what deleted it"
            : "the log file \(path) was replaced by another file while the gateway runs: the gateway still "
                + "writes the old one; restart the gateway to use the new file and find out what replaced it"
        fileState.withLock { $0 = problem }
        _ = try? await append([
            GatewayEvent(kind: .logReplaced, gateway: options.gateway, timestamp: .now(), reason: problem)
        ])
        return problem
    }
}
