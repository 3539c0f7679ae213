import CMallocTuning
import Dispatch
import ServiceLifecycle

/// Gives the free pages of glibc's malloc arenas back to the kernel: once the first polls and
/// uploads are done, then every minute. Start-up (the YAML parse, the plan, the first batches)
/// leaves the arenas full of freed blocks, and glibc returns only a free top of an arena on its own;
/// `malloc_trim` also releases whole free pages in the middle. What the gateway then holds is what
/// it uses (docs/operations.md, "Memory and CPU of a small site").
struct MemoryTrimmer: Service {
    /// The first trim, after start.
    var first: Duration = .seconds(3)
    /// Every later trim.
    var every: Duration = .seconds(60)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: first)
            while true {
                await Self.trim()
                try await Task.sleep(for: every)
            }
        }
    }

    /// One `malloc_trim(0)`, on a Dispatch thread: it walks every arena's free lists, which takes a
    /// few milliseconds in a large heap, and the cooperative pool runs no C that may take that long.
    static func trim() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                _ = chemgate_release_free_memory()
                done.resume()
            }
        }
    }
}

extension MemoryTrimmer: CustomStringConvertible {
    var description: String { "memory trimmer" }
}
