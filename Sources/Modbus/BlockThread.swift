import Glibc

/// Blocks the calling thread (a link's or a server connection's own thread, never the cooperative
/// pool) for `duration`, resuming after signals.
func blockThread(for duration: Duration) {
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}
