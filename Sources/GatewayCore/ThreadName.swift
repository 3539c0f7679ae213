#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A thread's name as Linux keeps it, for `top -H`, `ps -L`, `perf` and debuggers.
public enum ThreadName {
    /// `name` cut to what Linux keeps of a thread's name: 15 bytes of UTF-8, at a character boundary.
    /// A longer name is refused, and the thread would keep the name of the thread that started it.
    public static func fitting(_ name: String) -> String {
        var fitted = ""
        var bytes = 0
        for character in name {
            bytes += character.utf8.count
            if bytes > 15 { break }
            fitted.append(character)
        }
        return fitted
    }

    /// Names the calling thread `name` (``fitting(_:)`` of it). Called first thing on a thread it
    /// starts: Foundation's `Thread.name`, set from inside, applies the name only once the starting
    /// thread has stored the new thread's handle, which it may not have yet: in two clean-clone CI runs
    /// beside a soak, a link thread and then an MQTT loop thread kept their starter's name.
    /// On Linux it writes `/proc/thread-self/comm`, which is what `pthread_setname_np` does for the
    /// calling thread (that function is a GNU extension Swift's Glibc module does not import).
    public static func apply(_ name: String) {
        #if canImport(Glibc)
            let descriptor = open("/proc/thread-self/comm", O_WRONLY)
            guard descriptor >= 0 else { return }
            defer { close(descriptor) }
            let bytes = Array(fitting(name).utf8)
            _ = bytes.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count) }
        #elseif canImport(Darwin)
            _ = pthread_setname_np(fitting(name))
        #endif
    }
}
