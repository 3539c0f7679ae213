public import GatewayCore

/// Report by exception: decides whether a point's new value is worth reporting.
///
/// A value is reported when it is the first one, when its quality changed (level or reason), when a bool or
/// text value changed, when it became or stopped being nil, when its kind changed (e.g. number to bool), or when
/// a number moved by at least the deadband from the last *reported* number (|new − lastReported| ≥ deadband;
/// with deadband 0, any difference). Small unreported moves therefore accumulate until they reach the deadband.
///
/// The comparison forgives the rounding error of decimal inputs (a few ulps of the operands), so that
/// 0.1 → 0.3 with deadband 0.2 is reported although 0.3 − 0.1 is 0.19999999999999998 in binary.
public struct ChangeFilter: Sendable {
    /// The absolute deadband in engineering units; 0 reports any change. Negative or NaN is treated as 0.
    public let deadband: Double

    private var last: (value: Value?, quality: Quality)?

    /// Creates a filter that will report the first value it sees.
    /// - Parameter deadband: Absolute, in engineering units; 0 = any change.
    public init(deadband: Double) {
        self.deadband = deadband > 0 ? deadband : 0
    }

    /// True for the first value, for any quality change, for any change of a bool/text value or of nil-ness,
    /// and for a number that moved by ≥ deadband from the last reported number (with deadband 0, any
    /// difference). Updates the last-reported state when it returns true.
    public mutating func shouldReport(_ value: Value?, quality: Quality) -> Bool {
        guard let last, last.quality == quality, !changed(from: last.value, to: value) else {
            self.last = (value, quality)
            return true
        }
        return false
    }

    private func changed(from old: Value?, to new: Value?) -> Bool {
        switch (old, new) {
        case (nil, nil):
            return false
        case (.number(let old), .number(let new)):
            return changed(from: old, to: new)
        case (.integer(let old), .integer(let new)):
            // Exact: two counters above 2^53 a few counts apart are different numbers.
            if old == new { return false }
            if deadband == 0 { return true }
            return Double(new - old).magnitude >= deadband
        case (.number, .integer), (.integer, .number):
            guard let old = old?.numeric, let new = new?.numeric else { return true }
            return changed(from: old, to: new)
        default:
            return old != new
        }
    }

    private func changed(from old: Double, to new: Double) -> Bool {
        if old.isNaN || new.isNaN { return old.isNaN != new.isNaN }
        if old == new { return false }
        if deadband == 0 { return true }
        let tolerance = 2 * (old.magnitude.ulp + new.magnitude.ulp + deadband.ulp)
        return (new - old).magnitude >= deadband - tolerance
    }
}
