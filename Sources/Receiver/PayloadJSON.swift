internal import Foundation

/// The receiver's JSON writer: sorted keys, slashes unescaped, like the payloads themselves.
enum PayloadJSON {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            // Only non-finite numbers make JSONEncoder fail, and payload types never write them.
            preconditionFailure("JSON encoding failed: \(error)")
        }
    }
}
