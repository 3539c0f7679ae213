internal import CZlib

/// gzip (RFC 1952) through the system zlib, for `Content-Encoding: gzip` bodies.
public enum Gzip {
    /// Why a gzip body could not be inflated.
    public enum Failure: Error, Sendable, Hashable {
        /// The bytes are not gzip, or are truncated or damaged.
        case corrupt(String)
        /// Inflated, the body would exceed the limit.
        case tooLarge(limit: Int)
    }

    private static let chunkSize = 64 * 1024

    /// Inflates `compressed` (one or more concatenated gzip members), stopping once the output
    /// exceeds `limit` bytes.
    public static func decompress(_ compressed: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let result: Result<[UInt8], Failure> = compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunkSize - Int(stream.avail_out))])
                if output.count > limit { return .failure(.tooLarge(limit: limit)) }
                switch status {
                case Z_STREAM_END:
                    // Another member may follow (RFC 1952 allows concatenation).
                    if stream.avail_in == 0 { return .success(output) }
                    guard inflateReset(&stream) == Z_OK else { return .failure(.corrupt("zlib reset failed")) }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(.corrupt("gzip data is truncated"))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    return .failure(.corrupt("gzip data is damaged: \(message)"))
                }
            }
        }
        return try result.get()
    }

    /// Deflates `data` into a single gzip member at zlib's compression `level` (1 fastest … 9 smallest;
    /// out of range: zlib's default, 6).
    public static func compress(_ data: [UInt8], level: Int = 1) -> [UInt8] {
        var stream = z_stream()
        let initialised = deflateInit2_(
            &stream,
            (1...9).contains(level) ? Int32(level) : Z_DEFAULT_COMPRESSION,
            Z_DEFLATED,
            15 + 16,
            8,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        precondition(initialised == Z_OK, "zlib deflateInit2 failed: \(initialised)")
        defer { deflateEnd(&stream) }
        // deflateBound does not count the gzip wrapper's 18 bytes. The buffer is not zeroed: only the
        // compressed bytes (a tenth of the bound or so) are ever written and count. A large batch's
        // bound is over malloc's mapping threshold (256 KB in `chemgate run`): only the pages written
        // become resident. A buffer started at a sixth of the input and grown when full measured
        // worse (BENCHMARKS.md, round 28: +0.7 and +1.2 MB peak RSS, +2.6 and +4.2 % CPU).
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 64
        return data.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialised in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib deflate did not finish: \(status)")
                initialised = buffer.count - Int(stream.avail_out)
            }
        }
    }
}
