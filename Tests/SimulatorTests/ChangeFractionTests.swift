import Modbus
import Simulator
import Testing

/// `Simulator(changeFraction:)` (`chemgate simulate --change-fraction F`): the fraction of
/// default-layout registers from address 10 that change at each read.
@Suite("Simulator change fraction")
struct ChangeFractionTests {
    func readHolding(_ simulator: Simulator, count: Int = 100) -> [UInt16] {
        let response = simulator.respond(
            to: ModbusServerRequest(
                unit: 1,
                functionCode: ModbusTable.holding.readFunctionCode,
                table: .holding,
                address: 10,
                count: count,
                isWrite: false
            )
        )
        if case .registers(let values) = response.reply { return values }
        Issue.record("no registers in \(response.reply)")
        return []
    }

    /// How many of the registers changed between consecutive reads, read after read.
    func changesPerRead(_ simulator: Simulator, reads: Int) -> [Int] {
        var previous = readHolding(simulator)
        var changes: [Int] = []
        for _ in 0..<reads {
            let next = readHolding(simulator)
            changes.append(zip(previous, next).filter { $0 != $1 }.count)
            previous = next
        }
        return changes
    }

    @Test("a tenth of 100 registers change at each read, different ones each time")
    func aTenthChanges() {
        let simulator = Simulator(units: [1], changeFraction: 0.1)
        let changes = changesPerRead(simulator, reads: 50)
        // Evenly spread phases: 10 ± 2 of 100 at every read, 10 on average.
        #expect(changes.allSatisfy { (8...12).contains($0) }, "\(changes)")
        let total = changes.reduce(0, +)
        #expect((480...520).contains(total), "\(total) changes in 50 reads of 100 registers")
        // Over ten reads every register changed at least once (not the same tenth every time).
        let first = readHolding(simulator)
        for _ in 0..<10 { _ = readHolding(simulator) }
        let later = readHolding(simulator)
        #expect(zip(first, later).allSatisfy { $0 != $1 })
    }

    @Test("fraction 1 is --changing, fraction 0 and the default change nothing")
    func bounds() {
        #expect(changesPerRead(Simulator(units: [1], changeFraction: 1), reads: 5) == [100, 100, 100, 100, 100])
        #expect(Simulator(units: [1], changeFraction: 1).changesEveryRead)
        #expect(changesPerRead(Simulator(units: [1], changeFraction: 0), reads: 5) == [0, 0, 0, 0, 0])
        #expect(changesPerRead(Simulator(units: [1]), reads: 5) == [0, 0, 0, 0, 0])
        #expect(changesPerRead(Simulator(units: [1], changesEveryRead: true), reads: 3) == [100, 100, 100])
    }
}
