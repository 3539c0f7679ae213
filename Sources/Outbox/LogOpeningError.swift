/// Why a log could not be opened, in words for the operator.
public struct LogOpeningError: Error, CustomStringConvertible {
    public var description: String
}
