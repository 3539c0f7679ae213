internal import Foundation
internal import GatewayCore

/// Any JSON object key, to find keys a payload does not define.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }

    init?(intValue: Int) { nil }
}

/// The JSON coders every payload uses.
enum PayloadCoding {
    /// Sorted keys, slashes unescaped, UTF-8 text as is.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            // Only non-finite numbers make JSONEncoder fail, and payload types never write them.
            preconditionFailure("payload encoding failed: \(error)")
        }
    }

    /// Decodes `type`, turning any decoding failure into a `PayloadError` naming the field.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(PayloadError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw PayloadError(error)
        } catch {
            throw PayloadError(field: "body", message: "\(error)")
        }
    }
}

extension Decoder {
    /// Throws when the object holds a key that is not in `known`: payloads are versioned, and an
    /// unknown key is a misspelling or a newer gateway, which the receiver reports rather than drops.
    func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ known: Key.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        let names = Set(Key.allCases.map(\.stringValue))
        for key in container.allKeys where !names.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: "is not a field of this payload")
            )
        }
    }
}

extension KeyedDecodingContainer {
    func decodeTimestamp(forKey key: Key) throws -> Timestamp {
        let text = try decode(String.self, forKey: key)
        guard let timestamp = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription: "expected UTC time as YYYY-MM-DDTHH:MM:SS.mmmZ, got \"\(text)\""
            )
        }
        return timestamp
    }

    func decodeTimestampIfPresent(forKey key: Key) throws -> Timestamp? {
        guard try !decodeNilOrAbsent(forKey: key) else { return nil }
        return try decodeTimestamp(forKey: key)
    }

    /// A string that must not be empty.
    func decodeName(forKey key: Key) throws -> String {
        let text = try decode(String.self, forKey: key)
        guard !text.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must not be empty")
        }
        return text
    }

    /// An enumeration by its raw value, listing the allowed values when it is not one.
    func decodeRaw<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T
    where T.RawValue == String {
        try decodeRaw(type, allowed: Array(T.allCases), forKey: key)
    }

    /// An enumeration by its raw value, listing `allowed` when it is not one.
    func decodeRaw<T: RawRepresentable>(_ type: T.Type, allowed: [T], forKey key: Key) throws -> T
    where T.RawValue == String {
        let text = try decode(String.self, forKey: key)
        guard let value = T(rawValue: text) else {
            let allowed = allowed.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription: "expected one of \(allowed), got \"\(text)\""
            )
        }
        return value
    }

    func decodeRawIfPresent<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T?
    where T.RawValue == String {
        guard try !decodeNilOrAbsent(forKey: key) else { return nil }
        return try decodeRaw(type, forKey: key)
    }

    /// A sequence number, which must fit SQLite's signed 64-bit integers.
    func decodeSequence(forKey key: Key) throws -> UInt64 {
        let sequence = try decodeCount(forKey: key)
        guard sequence <= UInt64(Int64.max) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must be at most 2^63-1")
        }
        return sequence
    }

    /// A non-negative integer. JSONDecoder reports some unrepresentable numbers without a coding
    /// path; this names the field whatever the failure.
    func decodeCount(forKey key: Key) throws -> UInt64 {
        do {
            return try decode(UInt64.self, forKey: key)
        } catch DecodingError.keyNotFound(let missing, let context) {
            throw DecodingError.keyNotFound(missing, context)
        } catch DecodingError.valueNotFound(let type, let context) {
            throw DecodingError.valueNotFound(type, context)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected an integer ≥ 0")
        }
    }

    /// A signed integer, naming the field whatever the failure.
    func decodeIntegerIfPresent(forKey key: Key) throws -> Int64? {
        do {
            return try decodeIfPresent(Int64.self, forKey: key)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected an integer")
        }
    }

    func decodeValueIfPresent(forKey key: Key) throws -> Value? {
        try decodeIfPresent(CodableValue.self, forKey: key)?.value
    }
}

extension KeyedDecodingContainer {
    /// `decodeNil` that treats an absent key as nil, like `decodeIfPresent`.
    func decodeNilOrAbsent(forKey key: Key) throws -> Bool {
        try !contains(key) || decodeNil(forKey: key)
    }
}

extension KeyedEncodingContainer {
    mutating func encodeTimestamp(_ timestamp: Timestamp, forKey key: Key) throws {
        try encode(timestamp.iso8601, forKey: key)
    }

    /// Writes the value unless it is nil or cannot be written (a non-finite number).
    mutating func encodeValueIfPresent(_ value: Value?, forKey key: Key) throws {
        guard let value else { return }
        let codable = CodableValue(value)
        if codable.isEncodable { try encode(codable, forKey: key) }
    }

    /// Writes the number unless it is nil or non-finite.
    mutating func encodeFiniteIfPresent(_ number: Double?, forKey key: Key) throws {
        guard let number, number.isFinite else { return }
        try encode(number, forKey: key)
    }
}

/// An array position in a coding path, written `[3]` in field names.
struct IndexCodingKey: CodingKey {
    var index: Int
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }

    init(_ index: Int) { self.index = index }

    init?(stringValue: String) { nil }

    init?(intValue: Int) { self.index = intValue }
}
