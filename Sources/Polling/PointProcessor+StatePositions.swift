import DeviceMap

extension PointProcessor {
    /// Where the state of `reading`, the `order`-th reading of a poll of `device`, is in ``points``.
    ///
    /// A device's readings come in the same order at every poll, so the position found for the same
    /// place in its last poll is tried first and checked against the state's device and point: a poll
    /// then finds its states without building and hashing a `device/point` key per reading. A position
    /// that no longer matches (a reload moved the states, the plan changed) is looked up by key again
    /// and remembered in `positions`.
    func stateIndex(of reading: PointReading, device: String, order: Int, positions: inout [Int]) -> Int? {
        if order < positions.count {
            let index = positions[order]
            if index >= 0, index < points.count, points.values[index].device == device,
                points.values[index].point.id == reading.point.id
            {
                return index
            }
        }
        let index = points.index(forKey: Self.key(device, reading.point.id))
        while positions.count <= order { positions.append(-1) }
        positions[order] = index ?? -1
        return index
    }
}
