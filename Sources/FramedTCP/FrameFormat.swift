/// How frames are cut on the stream: ended by a delimiter, or prefixed by their big-endian length.
public enum FrameFormat: Sendable, Hashable {
    /// The frame's bytes, then the delimiter (e.g. `@@`). The delimiter must not occur inside a frame.
    case delimiter([UInt8])
    /// A big-endian length of 1, 2 or 4 bytes, then the frame's bytes.
    case lengthPrefix(bytes: Int)

    /// `payload` as it goes on the wire, or nil when its length does not fit the prefix.
    public func encode(_ payload: [UInt8]) -> [UInt8]? {
        switch self {
        case .delimiter(let delimiter):
            return payload + delimiter
        case .lengthPrefix(let size):
            guard size >= 8 || payload.count < 1 << (size * 8) else { return nil }
            var out = [UInt8]()
            out.reserveCapacity(size + payload.count)
            for index in stride(from: size - 1, through: 0, by: -1) {
                out.append(UInt8(truncatingIfNeeded: payload.count >> (index * 8)))
            }
            return out + payload
        }
    }
}
