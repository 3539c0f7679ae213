import Glibc

extension SerialPort {
    /// Whether the device is a pseudo-terminal (a `socat` pty standing in for a line), not a UART.
    ///
    /// True when the path resolves under `/dev/pts/` or to a Unix 98 pty slave (major 136–143).
    /// A pty carries bytes, not bits: parity means nothing on it, and some kernels refuse to set it
    /// (`tcsetattr` with `PARENB` fails with EINVAL when the port is opened again).
    public var isPseudoTerminal: Bool {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            if String(cString: resolved).hasPrefix("/dev/pts/") { return true }
        }
        var status = stat()
        guard stat(path, &status) == 0, Int(status.st_mode) & Int(S_IFMT) == Int(S_IFCHR) else { return false }
        let device = UInt64(status.st_rdev)
        let major = ((device >> 8) & 0xFFF) | ((device >> 32) & ~UInt64(0xFFF))
        return (136...143).contains(major)
    }
}
