import CModbus
import Glibc

extension ModbusContext {
    /// Whether bytes wait to be read that no request asked for (a late reply), without blocking.
    var hasPendingInput: Bool {
        var descriptor = pollfd(fd: modbus_get_socket(raw), events: Int16(POLLIN), revents: 0)
        guard descriptor.fd >= 0 else { return false }
        return poll(&descriptor, 1, 0) > 0 && descriptor.revents & Int16(POLLIN) != 0
    }

    /// Reads and discards everything arriving until the line has been silent up to `quietUntil`
    /// (each byte pushes that moment to `quiet` after it), for at most `limit`; then flushes.
    ///
    /// This is how a late reply is kept from answering another request: it is read and thrown away
    /// while the line settles, instead of waiting in the buffer for the next request.
    /// - Returns: the number of bytes discarded.
    @discardableResult
    func discardInput(quietUntil start: ContinuousClock.Instant, quiet: Duration, limit: Duration) -> Int {
        let fd = modbus_get_socket(raw)
        guard fd >= 0 else { return 0 }
        var quietUntil = start
        let giveUp = ContinuousClock.now + limit
        var discarded = 0
        var scratch = [UInt8](repeating: 0, count: 512)
        while true {
            let now = ContinuousClock.now
            guard now < quietUntil, now < giveUp else { break }
            let wait = min(quietUntil, giveUp) - now
            let (seconds, attoseconds) = wait.components
            let milliseconds = Int32(
                clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            )
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, max(milliseconds, 1))
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            guard ready > 0 else { continue }
            let count = read(fd, &scratch, scratch.count)
            if count > 0 {
                discarded += count
                quietUntil = ContinuousClock.now + quiet
            } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                break  // closed or broken: the next call reports it
            }
        }
        flush()
        return discarded
    }
}
