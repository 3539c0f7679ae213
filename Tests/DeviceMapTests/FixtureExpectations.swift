import Foundation

/// The problems a broken fixture must produce, read from `# expect: fragment ;; fragment` markers on
/// the offending lines.
struct FixtureExpectation: CustomStringConvertible {
    var line: Int
    var fragment: String

    var description: String { "line \(line): \(fragment)" }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func read(_ url: URL) throws -> [FixtureExpectation] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var expectations: [FixtureExpectation] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let marker = line.range(of: "# expect: ") else { continue }
            for fragment in line[marker.upperBound...].components(separatedBy: " ;; ") {
                expectations.append(
                    FixtureExpectation(line: index + 1, fragment: fragment.trimmingCharacters(in: .whitespaces))
                )
            }
        }
        return expectations
    }

    static func files(in subfolder: String) -> [String] {
        let directory = folder.appendingPathComponent(subfolder)
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter {
            $0.hasSuffix(".yaml")
        }.sorted()
    }
}
