extension RandomAccessCollection where Index == Int {
    /// The element whose `id` is `id`, in a collection sorted by `id` (a binary search): the planner's
    /// points and the readout's definitions are kept in sorted arrays, which cost far less memory per
    /// point than dictionaries.
    ///
    /// Inlinable, so that each caller gets a search specialised to its element type: called across
    /// modules as a generic function, every probe copied the element through its value witness (a
    /// readout's lookups of the points of each read were 2.5–3.5 % of the gateway's CPU at 10,000 points).
    @inlinable public func element(withID id: String, idOf: (Element) -> String) -> Element? {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if idOf(self[middle]) < id { low = middle + 1 } else { high = middle }
        }
        return low < endIndex && idOf(self[low]) == id ? self[low] : nil
    }
}
