/// The point processor's per-point state by key (`device/point`): the states in one array, found
/// through a dictionary of indexes. The array keeps the order the keys were first added in (the
/// site's order, as the processor adds them) until a state is removed.
///
/// A dictionary of the states themselves keeps 1.3 to 2.7 slots of a state's full size per point
/// (its buckets are a power of two, at most three quarters full); here the index holds 8-byte slots
/// and the array grows by a quarter, so a state costs its own size plus about a quarter.
struct PointStateTable<State>: Sequence, ExpressibleByDictionaryLiteral {
    private var keys: [String] = []
    private var states: [State] = []
    private var positions: [String: Int] = [:]

    init() {}

    init(dictionaryLiteral elements: (String, State)...) {
        for (key, state) in elements { self[key] = state }
    }

    var count: Int { states.count }

    /// The states, in the order their keys were added while nothing was removed (``remove(at:)`` moves
    /// the last state into the gap); `values[index(forKey:)]` changes one in place.
    var values: [State] {
        _read { yield states }
        _modify { yield &states }
    }

    /// Calls `body` with every state in place, in ``values``' order: no key is looked up and no state
    /// copied out.
    mutating func updateEach(_ body: (inout State) throws -> Void) rethrows {
        for index in states.indices { try body(&states[index]) }
    }

    /// Where the state of `key` is in ``values``.
    func index(forKey key: String) -> Int? { positions[key] }

    subscript(key: String) -> State? {
        get { positions[key].map { states[$0] } }
        set {
            if let position = positions[key] {
                if let newValue {
                    states[position] = newValue
                } else {
                    remove(at: position)
                }
            } else if let newValue {
                if states.count == states.capacity {
                    states.reserveCapacity(states.count + Swift.max(16, states.count / 4))
                }
                positions[key] = states.count
                keys.append(key)
                states.append(newValue)
            }
        }
    }

    /// Removes the state at `position`, moving the last one into its place.
    private mutating func remove(at position: Int) {
        positions[keys[position]] = nil
        let last = states.count - 1
        if position != last {
            keys[position] = keys[last]
            states[position] = states[last]
            positions[keys[position]] = position
        }
        keys.removeLast()
        states.removeLast()
    }

    func makeIterator() -> some IteratorProtocol<(key: String, value: State)> {
        zip(keys, states).lazy.map { (key: $0, value: $1) }.makeIterator()
    }
}

extension PointStateTable: Sendable where State: Sendable {}
