import Foundation
import Glibc

/// CPU time and memory of a process, from /proc/PID/stat and /proc/PID/status.
struct ProcessMeter: Sendable {
    let pid: Int32

    /// User plus system CPU time so far, in seconds (utime + stime of /proc/PID/stat).
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name, starting with field 3 (state): utime is field 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident set size (VmHWM), in megabytes.
    func peakResidentMegabytes() -> Double? { statusKilobytes("VmHWM").map { $0 / 1024 } }

    /// Current resident set size (VmRSS), in megabytes.
    func residentMegabytes() -> Double? { statusKilobytes("VmRSS").map { $0 / 1024 } }

    /// The resident set's two main parts, in megabytes: `RssAnon` (what malloc and the threads' stacks
    /// hold) and `RssFile` (pages of the binary, the shared libraries and files mapped such as SQLite's
    /// WAL index).
    func residentParts() -> (anonymous: Double, file: Double)? {
        guard let anonymous = statusKilobytes("RssAnon"), let file = statusKilobytes("RssFile") else { return nil }
        return (anonymous / 1024, file / 1024)
    }

    private func statusKilobytes(_ key: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
        return nil
    }

    /// This process.
    static var current: ProcessMeter { ProcessMeter(pid: getpid()) }
}
