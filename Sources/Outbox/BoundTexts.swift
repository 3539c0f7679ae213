/// The bytes of the texts bound to one execution of the multi-row insert, kept until the statement has
/// been stepped, so that SQLite binds each where it is (`SQLITE_STATIC`) instead of copying it into a
/// buffer of its own. With `SQLITE_TRANSIENT` every text bound was a `malloc` inside SQLite, and every
/// rebinding or clearing of the statement a `free`: about 8 of each per reading (BENCHMARKS.md,
/// round 22). Here a reading's texts are copied side by side into chunks that are reused.
///
/// Rules for the statement that points into it (``DurableLog`` keeps them):
/// - ``rewind()`` only after that statement has been stepped, and bind it anew before stepping it again;
/// - clear its bindings before this store goes (a statement never keeps pointers into freed memory).
final class BoundTexts {
    /// The size of each reused chunk; a longer text gets a buffer of its own until ``rewind()``.
    static let chunkBytes = 16 * 1024

    private var chunks: [UnsafeMutableRawBufferPointer] = []
    private var oversized: [UnsafeMutableRawBufferPointer] = []
    /// The chunk being filled, and the bytes used in it.
    private var chunk = 0
    private var used = 0

    /// Copies `bytes` (not empty) and returns the copy's address, valid until ``rewind()`` or the end of
    /// this store.
    func keep(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        let target = room(for: bytes.count)
        target.copyMemory(from: bytes)
        return UnsafeRawPointer(target.baseAddress!)
    }

    /// Makes every byte reusable: the texts kept so far may be overwritten from now on.
    func rewind() {
        chunk = 0
        used = 0
        for buffer in oversized { buffer.deallocate() }
        oversized.removeAll(keepingCapacity: true)
    }

    deinit {
        for buffer in chunks + oversized { buffer.deallocate() }
    }

    private func room(for count: Int) -> UnsafeMutableRawBufferPointer {
        precondition(count > 0, "an empty text is bound without being kept")
        if count > Self.chunkBytes {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
            oversized.append(buffer)
            return buffer
        }
        if chunks.isEmpty {
            chunks.append(.allocate(byteCount: Self.chunkBytes, alignment: 1))
        } else if used + count > Self.chunkBytes {
            chunk += 1
            used = 0
            if chunk == chunks.count { chunks.append(.allocate(byteCount: Self.chunkBytes, alignment: 1)) }
        }
        let start = used
        used += count
        return UnsafeMutableRawBufferPointer(rebasing: chunks[chunk][start..<used])
    }
}
