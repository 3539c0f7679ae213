/// Checks a Modbus TCP reply to a read, as libmodbus framed it, and decodes its values.
///
/// chemgate sends TCP reads with libmodbus's raw request API (`modbus_send_raw_request`, which
/// builds the MBAP header, with transaction id 0) and reads the reply with
/// `modbus_receive_confirmation`, which frames it by function code and byte count. libmodbus 3.1.6
/// checks none of the MBAP header on that path (and on its normal path only the transaction id; its
/// protocol-id check needs both bytes non-zero, and it ignores the unit id and the MBAP length), so
/// the binding checks every field here before a value can be reported good:
///
/// - transaction id 0 (the raw request's),
/// - protocol id 0,
/// - the MBAP length equal to the bytes that follow it (a wrong length desynchronises the stream:
///   the link then drops the connection),
/// - the unit id of the request,
/// - the function code (or its exception form, with a valid exception code),
/// - the byte count the requested quantity needs.
struct TCPReadReply {
    /// Why a reply was refused, and whether the byte stream may be out of step after it.
    struct Problem: Error {
        var kind: ModbusError.Kind
        /// The MBAP length disagreed with the frame: the stream cannot be trusted until reconnected.
        var resynchronise = false
    }

    /// MBAP header (7 bytes) plus the function code.
    static let headerLength = 7

    /// Checks `reply` (a whole ADU as libmodbus read it) against a read of `count` items of `table`
    /// from `unit`.
    static func check(_ reply: ArraySlice<UInt8>, unit: UInt8, table: ModbusTable, count: Int)
        -> Result<ModbusData, Problem>
    {
        let bytes = Array(reply)
        guard bytes.count >= headerLength + 2 else {
            return .failure(Problem(kind: .invalidResponse("a reply of only \(bytes.count) bytes")))
        }
        let transaction = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let protocolID = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        let length = Int(UInt16(bytes[4]) << 8 | UInt16(bytes[5]))
        if length != bytes.count - 6 {
            return .failure(
                Problem(
                    kind: .invalidResponse(
                        "the MBAP header gives a length of \(length), but \(bytes.count - 6) bytes follow it "
                            + "(the stream is out of step; the link reconnects)"
                    ),
                    resynchronise: true
                )
            )
        }
        guard protocolID == 0 else {
            return .failure(
                Problem(kind: .invalidResponse("protocol id \(hex(protocolID)) in the MBAP header, not 0 (Modbus)"))
            )
        }
        guard transaction == 0 else {
            return .failure(
                Problem(kind: .invalidResponse("transaction id \(transaction), not 0: a reply to another request"))
            )
        }
        guard bytes[6] == unit else { return .failure(Problem(kind: .wrongUnit)) }
        let function = bytes[7]
        let expected = table.readFunctionCode
        if function == expected | 0x80 {
            // libmodbus reads exactly one byte after an exception function code.
            let code = bytes[8]
            guard ModbusException.isDefined(code) else {
                return .failure(Problem(kind: .invalidResponse(ModbusException.invalidCodeText(code))))
            }
            return .failure(Problem(kind: .exception(ModbusException(rawValue: code))))
        }
        guard function == expected else {
            return .failure(
                Problem(kind: .invalidResponse("function code \(function) in the reply to function \(expected)"))
            )
        }
        let byteCount = Int(bytes[8])
        let needed = table.holdsBits ? (count + 7) / 8 : 2 * count
        guard byteCount == needed, bytes.count == headerLength + 2 + byteCount else {
            return .failure(
                Problem(
                    kind: .invalidResponse(
                        "byte count \(byteCount), but \(count) \(table.itemName) need \(needed)"
                    )
                )
            )
        }
        let data = bytes[(headerLength + 2)...]
        if table.holdsBits {
            return .success(
                .bits((0..<count).map { index in data[data.startIndex + index / 8] & (1 << (index % 8)) != 0 })
            )
        }
        return .success(
            .registers(
                (0..<count).map { index in
                    UInt16(data[data.startIndex + 2 * index]) << 8 | UInt16(data[data.startIndex + 2 * index + 1])
                }
            )
        )
    }

    private static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
