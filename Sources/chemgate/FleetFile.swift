import Foundation

/// `chemgate status --fleet FILE`: one gateway a line, `NAME URL [TOKEN_ENV]`; `#` starts a comment.
///
///     # name        status endpoint              token variable (optional)
///     tank-farm     http://10.0.0.8:8080         CHEMGATE_TOKEN_TANKS
///     loading-bay   http://10.0.1.8:8080
struct FleetFile {
    struct Entry: Equatable {
        var name: String
        var url: String
        var tokenEnv: String?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var entries: [Entry]

    init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "cannot read the fleet file \(path): check the path and its permissions")
        }
        try self.init(text: text, path: path)
    }

    init(text: String, path: String) throws {
        entries = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.isEmpty { continue }
            guard (2...3).contains(fields.count), fields[1].hasPrefix("http://") || fields[1].hasPrefix("https://")
            else {
                throw Failure(
                    description:
                        "\(path):\(index + 1): expected NAME URL [TOKEN_ENV], e.g. `tank-farm http://10.0.0.8:8080 CHEMGATE_TOKEN_TANKS`; found `\(raw.trimmingCharacters(in: .whitespaces))`"
                )
            }
            entries.append(Entry(name: fields[0], url: fields[1], tokenEnv: fields.count > 2 ? fields[2] : nil))
        }
        guard !entries.isEmpty else {
            throw Failure(description: "\(path): lists no gateway (NAME URL [TOKEN_ENV] a line)")
        }
    }
}
