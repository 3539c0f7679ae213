import Decoding
import Testing

@Suite("DataType")
struct DataTypeTests {
    @Test(
        "init(name:) parses every parameterless YAML name",
        arguments: [
            ("bool", DataType.bool), ("int16", .int16), ("uint16", .uint16), ("int32", .int32), ("uint32", .uint32),
            ("int64", .int64), ("uint64", .uint64), ("float32", .float32), ("float64", .float64),
            ("bcd16", .bcd16), ("bcd32", .bcd32),
        ]
    )
    func parsesName(name: String, expected: DataType) {
        #expect(DataType(name: name) == expected)
    }

    @Test(
        "init(name:) rejects unknown, capitalised and parameterised names",
        arguments: [
            "", "Int16", "INT16", "float", "double", "int8", "bit", "bit 6", "bits 0-3", "string", "string 8", " int16",
        ]
    )
    func rejectsName(name: String) {
        #expect(DataType(name: name) == nil)
    }

    @Test(
        "registerCount, width, isMultiRegister and description of every case",
        arguments: [
            (DataType.bool, 1, 16, false, "bool"),
            (.bit(6), 1, 16, false, "bit 6"),
            (.bit(15), 1, 16, false, "bit 15"),
            (.bitField(0...3), 1, 16, false, "bits 0-3"),
            (.bitField(8...8), 1, 16, false, "bits 8-8"),
            (.int16, 1, 16, false, "int16"),
            (.uint16, 1, 16, false, "uint16"),
            (.int32, 2, 32, true, "int32"),
            (.uint32, 2, 32, true, "uint32"),
            (.int64, 4, 64, true, "int64"),
            (.uint64, 4, 64, true, "uint64"),
            (.float32, 2, 32, true, "float32"),
            (.float64, 4, 64, true, "float64"),
            (.bcd16, 1, 16, false, "bcd16"),
            (.bcd32, 2, 32, true, "bcd32"),
            (.string(registers: 8), 8, 16, false, "string 8"),
            (.string(registers: 1), 1, 16, false, "string 1"),
        ]
    )
    func properties(type: DataType, registers: Int, width: Int, isMultiRegister: Bool, description: String) {
        #expect(type.registerCount == registers)
        #expect(type.width == width)
        #expect(type.isMultiRegister == isMultiRegister)
        #expect(type.description == description)
        #expect("\(type)" == description)
    }
}
