import Foundation
import Simulator

/// Reads `UNIT STATE` lines (or `all STATE`) from standard input while the simulator runs, so a
/// field engineer can put a simulated detector into alarm, fault or calibration during a dry run.
enum StateCommands {
    static func listen(simulator: Simulator) {
        let thread = Thread {
            while let line = readLine() {
                let words = line.split(separator: " ").map(String.init)
                guard words.count == 2, let state = DeviceState(rawValue: words[1]) else {
                    if !line.isEmpty {
                        Console.error(
                            "type UNIT STATE or all STATE; states: \(DeviceState.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    continue
                }
                let units = words[0] == "all" ? simulator.units : UInt8(words[0]).map { [$0] } ?? []
                for unit in units { simulator.setState(state, unit: unit) }
                Console.out("units \(units.map(String.init).joined(separator: ",")): \(state.rawValue)")
            }
        }
        thread.name = "state-commands"
        thread.start()
    }
}
