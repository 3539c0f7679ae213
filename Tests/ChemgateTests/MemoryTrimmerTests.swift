import CMallocTuning
import Foundation
import Testing

@testable import chemgate

/// `chemgate run` fixes glibc's mmap and trim thresholds at start and gives the free pages of the
/// malloc arenas back to the kernel after start and every minute (``MemoryTrimmer``): memory freed
/// below a block still in use stays with the process otherwise, however long it is unused.
@Suite("Memory trimmer")
struct MemoryTrimmerTests {
    /// This process's resident memory (`VmRSS`), in bytes.
    static func residentBytes() throws -> Int {
        try #require(ProcessMemory.now()).resident
    }

    @Test func aTrimGivesHeapPagesFreedBelowABlockInUseBack() async throws {
        // 48 MB in 2 KB blocks (far below any mmap threshold: they come from an arena), written so
        // that they are resident, then a block after them that stays in use.
        let size = 2048
        let blocks = (0..<24_576).map { _ in
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            block.initializeMemory(as: UInt8.self, repeating: 0xA5, count: size)
            return block
        }
        let pin = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        pin.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        defer { pin.deallocate() }
        for block in blocks { block.deallocate() }
        let freed = try Self.residentBytes()
        await MemoryTrimmer.trim()
        let trimmed = try Self.residentBytes()
        // glibc kept the freed 48 MB (it returns only a free top of an arena on its own); the trim
        // gave most of it back (other tests may allocate meanwhile: a margin of 16 MB).
        #expect(freed - trimmed > 32 * 1_048_576, "RSS \(freed / 1_048_576) MB -> \(trimmed / 1_048_576) MB")
    }

    @Test func withFixedThresholdsALargeBlockTheArenasCannotHoldIsMappedOnItsOwn() throws {
        #expect(chemgate_fix_malloc_thresholds(256 * 1024, 512 * 1024) == 2)
        // glibc's default raises the mmap threshold to the size of a mapped block freed (here 8 MB):
        // the next blocks below it that the arenas' free space cannot hold then grow an arena, and
        // stay with the process once freed. With the threshold fixed, they are mapped on their own.
        UnsafeMutableRawPointer.allocate(byteCount: 8 << 20, alignment: 16).deallocate()
        let before = chemgate_mapped_bytes()
        var blocks: [UnsafeMutableRawPointer] = []
        defer { for block in blocks { block.deallocate() } }
        // 1 MB blocks until the free space of the arenas is used up (at most 256 MB of address space,
        // never written: not resident).
        while blocks.count < 256, chemgate_mapped_bytes() == before {
            blocks.append(UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16))
        }
        #expect(chemgate_mapped_bytes() - before >= 1 << 20, "after \(blocks.count) blocks of 1 MB")
    }
}
