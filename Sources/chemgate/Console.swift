import Foundation

/// Writes whole lines to standard output or standard error, unbuffered, so a pipe reader (a test,
/// a script) sees each line as soon as it is written.
enum Console {
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
