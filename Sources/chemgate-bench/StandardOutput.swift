import Foundation

/// Writes a line to standard output at once (unbuffered), so each figure appears as it is measured.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A note on standard error: progress, not a figure.
func progress(_ text: String) {
    FileHandle.standardError.write(Data("… \(text)\n".utf8))
}
