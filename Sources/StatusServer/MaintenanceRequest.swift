import Foundation
import Hummingbird

/// What `POST /devices/{id}/maintenance` asks: on or off, and who asks. Each field may come in the query
/// (`?on=true&operator=NAME`), a form body (`application/x-www-form-urlencoded`) or a JSON object
/// (`{"on": true, "operator": "NAME"}`); the query wins. `by` is an older name of `operator`.
struct MaintenanceRequest {
    /// The largest body read (a name and a flag).
    static let bodyLimit = 4096

    var on: Bool?
    var operatorName: String?

    /// Reads the query and the body of `request`.
    static func parse(_ request: Request) async -> MaintenanceRequest {
        var fields: [String: String] = [:]
        if let buffer = try? await request.body.collect(upTo: bodyLimit), buffer.readableBytes > 0 {
            let data = Data(buffer.readableBytesView)
            let type = request.headers[.contentType] ?? ""
            if type.contains("json") || data.first == UInt8(ascii: "{") {
                if let body = try? JSONDecoder().decode(JSONBody.self, from: data) {
                    fields.merge(body.fields) { _, new in new }
                }
            } else if let text = String(data: data, encoding: .utf8) {
                fields.merge(formFields(text)) { _, new in new }
            }
        }
        for key in ["on", "operator", "by"] {
            if let value = request.uri.queryParameters.get(key) { fields[key] = String(value) }
        }
        let name = (fields["operator"] ?? fields["by"])?.trimmingCharacters(in: .whitespacesAndNewlines)
        return MaintenanceRequest(
            on: fields["on"].flatMap(flag),
            operatorName: name.map { String($0.prefix(128)) }.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    private static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "on", "yes": true
        case "false", "0", "off", "no": false
        default: nil
        }
    }

    private static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            guard let key = parts.first else { continue }
            fields[key] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    /// A JSON body: `on` as a boolean, number or string; `operator` and `by` as strings.
    private struct JSONBody: Decodable {
        var fields: [String: String] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys where ["on", "operator", "by"].contains(key.stringValue) {
                if let flag = try? container.decode(Bool.self, forKey: key) {
                    fields[key.stringValue] = "\(flag)"
                } else if let number = try? container.decode(Int.self, forKey: key) {
                    fields[key.stringValue] = "\(number)"
                } else if let text = try? container.decode(String.self, forKey: key) {
                    fields[key.stringValue] = text
                }
            }
        }
    }
}
