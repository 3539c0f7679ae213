import Testing

@testable import chemgate

/// What `/metrics` reports of the gateway's memory (``ProcessMemory``): the kernel's resident sizes
/// in bytes, and malloc's heap, in use and held free.
@Suite("Process memory")
struct ProcessMemoryTests {
    @Test func theResidentSizesAreReadInBytesFromTheKernelsStatus() throws {
        let status = """
            Name:\tchemgate
            VmPeak:\t  812340 kB
            VmRSS:\t   41372 kB
            RssAnon:\t   17080 kB
            RssFile:\t   24292 kB
            RssShmem:\t       0 kB
            Threads:\t11
            """
        let resident = try #require(ProcessMemory.resident(status: status))
        #expect(resident.resident == 41_372 * 1024)
        #expect(resident.anonymous == 17_080 * 1024)
        #expect(resident.file == 24_292 * 1024)
        #expect(ProcessMemory.resident(status: "Name:\tchemgate\nVmRSS:\t 4 kB\nRssFile:\t 4 kB\n") == nil)
    }

    @Test func aBlockInUseCountsInTheHeapAndOnceFreedIsNoLongerInUse() throws {
        let size = 4 << 20
        let before = try #require(ProcessMemory.now())
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        block.initializeMemory(as: UInt8.self, repeating: 0x5A, count: size)
        let holding = try #require(ProcessMemory.now())
        block.deallocate()
        let after = try #require(ProcessMemory.now())
        // Other tests may allocate meanwhile: a margin of 1 MB either way.
        #expect(holding.heapInUse - before.heapInUse > size - (1 << 20), "\(before) -> \(holding)")
        #expect(holding.heapInUse - after.heapInUse > size - (1 << 20), "\(holding) -> \(after)")
        #expect(holding.resident >= holding.residentAnonymous + holding.residentFile - (1 << 20))
    }
}
