extension MappingReader {
    /// The `unit` key in its canonical spelling (``EngineeringUnit``); nil when absent, or when unknown, with
    /// an error that lists the allowed units and suggests the nearest one.
    func engineeringUnit() -> String? {
        guard let text = string("unit") else { return nil }
        guard let unit = EngineeringUnit.canonical(text) else {
            var message = "unknown unit \(MappingReader.quoted(text))"
            if let suggestion = nearest(to: text, in: EngineeringUnit.all) {
                message += "; did you mean '\(suggestion)'?"
            }
            log.error(message + " Allowed: " + EngineeringUnit.all.joined(separator: " "), at: position(of: "unit"))
            return nil
        }
        return unit
    }
}
