import Foundation

/// The release binaries a scenario runs as child processes: next to chemgate-bench itself.
enum Binaries {
    static func path(_ name: String) throws -> String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let candidate = directory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw BenchFailure(
                "\(candidate) is missing: build it first (swift build -c release --product \(name); make bench does)"
            )
        }
        return candidate
    }
}

/// A scenario that could not run, and why.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
