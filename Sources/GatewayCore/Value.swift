/// An engineering value.
public enum Value: Sendable, Hashable {
    /// A finite number in engineering units (never NaN or infinity).
    case number(Double)
    /// A coil, discrete input or status bit.
    case bool(Bool)
    /// Text, e.g. a tag or serial number.
    case text(String)
}
