import Foundation

/// The names of this process's threads, as `top -H`, `ps -L` and `perf` show them
/// (`/proc/self/task/*/comm`, at most 15 bytes each).
public func threadNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap { task in
        try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
