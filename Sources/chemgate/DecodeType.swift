import ArgumentParser
import Decoding

/// A `--type` value: a data type name, with its parameter after a colon where it has one.
struct DecodeType: ExpressibleByArgument {
    let dataType: DataType

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count > 1 ? parts[1] : nil) {
        case ("bit", let parameter?):
            guard let bit = Int(parameter), (0...15).contains(bit) else { return nil }
            dataType = .bit(bit)
        case ("bits", let parameter?):
            let bounds = parameter.split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1], (0...15).contains(bounds[0]), (0...15).contains(bounds[1])
            else { return nil }
            dataType = .bitField(bounds[0]...bounds[1])
        case ("string", let parameter?):
            guard let registers = Int(parameter), (1...125).contains(registers) else { return nil }
            dataType = .string(registers: registers)
        case (let name?, nil):
            guard let type = DataType(name: name) else { return nil }
            dataType = type
        default:
            return nil
        }
    }
}
