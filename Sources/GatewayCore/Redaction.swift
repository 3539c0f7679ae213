/// Hides credentials before text is shown: the status JSON and page, `chemgate status`, logs.
public enum Redaction {
    /// The placeholder that replaces a URL's `user:password` part.
    public static let placeholder = "***"

    /// `text` with the userinfo (`user:password@`) of every URL in it replaced by `***@`:
    /// `https://gw:secret@park.example/ingest` → `https://***@park.example/ingest`. The userinfo is
    /// what follows `://` up to the last `@` before the first `/`, `?`, `#`, space or quote.
    public static func userinfo(in text: String) -> String {
        guard text.contains("@"), text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let separator = rest.firstRange(of: "://") {
            result += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            let authorityEnd = rest.firstIndex { Self.endsAuthority($0) } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                result += placeholder
                rest = rest[at...]
            }
        }
        return result + rest
    }

    private static func endsAuthority(_ character: Character) -> Bool {
        character == "/" || character == "?" || character == "#" || character == "\"" || character == "'"
            || character == "<" || character == ">" || character.isWhitespace
    }
}
