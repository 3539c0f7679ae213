/// A formula that cannot be read, with the 1-based column inside the formula text where reading stopped.
public struct FormulaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based column in the formula text.
    public var column: Int
    public var message: String

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { "column \(column): \(message)" }
}
