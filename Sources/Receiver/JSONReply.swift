internal import Foundation
internal import Hummingbird

/// JSON responses with the receiver's status codes and bodies.
enum JSONReply {
    /// The body of every 4xx/5xx answer: `{"error": "…", "field": "…"}`.
    struct ErrorBody: Encodable {
        var error: String
        /// The offending field, for 400 answers to invalid payloads.
        var field: String?
    }

    static func make(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let data = PayloadJSON.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(
        _ status: HTTPResponse.Status,
        _ message: String,
        field: String? = nil,
        headers: HTTPFields = [:]
    ) -> Response {
        make(status, ErrorBody(error: message, field: field), headers: headers)
    }
}
