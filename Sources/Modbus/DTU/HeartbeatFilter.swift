/// Takes a DTU's heartbeat packets out of the byte stream wherever they arrive: between replies,
/// or in the middle of one (a DTU sends its heartbeat when its timer fires, whatever the line is
/// carrying). Every other byte passes unchanged and in order.
///
/// Bytes that could be the start of a heartbeat split across two reads are held back until the
/// next read says which they are, or until ``DTUConnection`` gives up waiting (3 ms, far below
/// any byte timeout) and passes them on.
struct HeartbeatFilter {
    let pattern: [UInt8]
    /// Bytes held back: a proper prefix of the pattern at the end of the last input.
    private(set) var held: [UInt8] = []

    init(pattern: [UInt8]) { self.pattern = pattern }

    /// Filters the next bytes read.
    /// - Returns: the bytes to pass on, and how many heartbeats were removed.
    mutating func feed(_ input: some Collection<UInt8>) -> (output: [UInt8], heartbeats: Int) {
        guard !pattern.isEmpty else { return (Array(input), 0) }
        let bytes = held + input
        held = []
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var heartbeats = 0
        var index = 0
        while index < bytes.count {
            let rest = bytes[index...]
            if rest.starts(with: pattern) {
                heartbeats += 1
                index += pattern.count
            } else if rest.count < pattern.count, pattern.starts(with: rest) {
                held = Array(rest)
                break
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return (output, heartbeats)
    }

    /// Gives up on the bytes held back: they were not a heartbeat after all.
    mutating func release() -> [UInt8] {
        defer { held = [] }
        return held
    }
}
