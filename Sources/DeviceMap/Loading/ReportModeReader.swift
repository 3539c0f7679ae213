/// Reads a `report:` setting (`exception` or `every_poll`).
enum ReportModeReader {
    static func read(_ reader: MappingReader, key: String = "report") -> ReportMode? {
        guard let text = reader.string(key) else { return nil }
        guard let mode = ReportMode(rawValue: text) else {
            reader.log.error(
                "'\(key)' in \(reader.context) is exception or every_poll, not \(MappingReader.quoted(text))",
                at: reader.position(of: key)
            )
            return nil
        }
        return mode
    }
}
