/// Why a body is not a valid chemgate payload, naming the offending field.
///
/// `field` is a path into the JSON document such as `records[3].quality` or `batch_id`; `body` when
/// the document as a whole is at fault (not JSON, not an object).
public struct PayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path of the offending field: `records[3].quality`, `batch_id`, or `body`.
    public var field: String
    /// What is wrong with it, in words.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `records[3].quality: expected one of good, uncertain, bad`.
    public var description: String { "\(field): \(message)" }

    /// Turns a `DecodingError` into the field path and message the receiver answers with.
    public init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: Self.path(context.codingPath + [key]), message: "is required")
        case .valueNotFound(_, let context):
            self.init(field: Self.path(context.codingPath), message: "must not be null")
        case .typeMismatch(let type, let context):
            self.init(field: Self.path(context.codingPath), message: Self.typeMessage(type, context))
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, context.underlyingError != nil {
                self.init(field: "body", message: "is not valid JSON")
            } else {
                self.init(field: Self.path(context.codingPath), message: context.debugDescription)
            }
        @unknown default:
            self.init(field: "body", message: "\(error)")
        }
    }

    /// `records[3].quality` for the coding path `records`, index 3, `quality`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path.isEmpty ? "body" : path
    }

    private static func typeMessage(_ type: Any.Type, _ context: DecodingError.Context) -> String {
        switch type {
        case is String.Type: "expected a string"
        case is Bool.Type: "expected a boolean"
        case is UInt64.Type, is Int64.Type, is Int.Type, is UInt.Type: "expected a non-negative integer"
        case is Double.Type: "expected a number"
        case is [Any].Type: "expected an array"
        default:
            context.debugDescription.isEmpty ? "has the wrong type" : context.debugDescription
        }
    }
}
