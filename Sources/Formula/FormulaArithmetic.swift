import Foundation

/// The arithmetic of formulas, on Doubles; bit operations on whole numbers within ±2^53.
enum FormulaArithmetic {
    static func apply(_ op: FormulaNode.BinaryOperator, _ lhs: Double, _ rhs: Double) -> Double {
        switch op {
        case .add: return lhs + rhs
        case .subtract: return lhs - rhs
        case .multiply: return lhs * rhs
        case .divide: return rhs == 0 ? .nan : lhs / rhs
        case .remainder: return rhs == 0 ? .nan : fmod(lhs, rhs)
        case .power: return Foundation.pow(lhs, rhs)
        case .equal: return Formula.truth(lhs == rhs)
        case .notEqual: return Formula.truth(lhs != rhs)
        case .less: return Formula.truth(lhs < rhs)
        case .lessOrEqual: return Formula.truth(lhs <= rhs)
        case .greater: return Formula.truth(lhs > rhs)
        case .greaterOrEqual: return Formula.truth(lhs >= rhs)
        case .and: return Formula.truth(lhs != 0 && rhs != 0)
        case .or: return Formula.truth(lhs != 0 || rhs != 0)
        case .bitAnd, .bitOr, .shiftLeft, .shiftRight:
            guard let a = whole(lhs), let b = whole(rhs) else { return .nan }
            switch op {
            case .bitAnd: return Double(a & b)
            case .bitOr: return Double(a | b)
            case .shiftLeft: return (0...63).contains(b) ? checked(a.multipliedReportingOverflow(by: 1 << b)) : .nan
            default: return (0...63).contains(b) ? Double(a >> b) : .nan
            }
        }
    }

    static func call(_ function: FormulaFunction, _ values: [Double]) -> Double {
        switch function {
        case .min: return values.contains(where: \.isNaN) ? .nan : values.min()!
        case .max: return values.contains(where: \.isNaN) ? .nan : values.max()!
        case .abs: return Swift.abs(values[0])
        case .floor: return values[0].rounded(.down)
        case .ceil: return values[0].rounded(.up)
        case .round: return values[0].rounded(.toNearestOrAwayFromZero)
        case .trunc: return values[0].rounded(.towardZero)
        case .frac: return values[0] - values[0].rounded(.towardZero)
        case .sqrt: return values[0] < 0 ? .nan : values[0].squareRoot()
        case .pow: return Foundation.pow(values[0], values[1])
        case .bits:
            guard let x = whole(values[0]), let low = whole(values[1]), let high = whole(values[2]),
                (0...63).contains(low), (low...63).contains(high)
            else { return .nan }
            let width = high - low + 1
            let mask: Int64 = width >= 63 ? Int64.max : (1 << width) - 1
            return Double((x >> low) & mask)
        case .bit:
            guard let x = whole(values[0]), let n = whole(values[1]), (0...63).contains(n) else { return .nan }
            return Double((x >> n) & 1)
        case .int16:
            guard let x = whole(values[0]) else { return .nan }
            return Double(Int16(truncatingIfNeeded: x))
        case .int32:
            guard let x = whole(values[0]) else { return .nan }
            return Double(Int32(truncatingIfNeeded: x))
        case .if:
            return values[0].isNaN ? .nan : (values[0] != 0 ? values[1] : values[2])
        }
    }

    /// A whole number within ±2^53 (where every Double integer is exact), else nil.
    private static func whole(_ value: Double) -> Int64? {
        guard value.isFinite, value == value.rounded(), Swift.abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    private static func checked(_ result: (partialValue: Int64, overflow: Bool)) -> Double {
        result.overflow ? .nan : Double(result.partialValue)
    }
}
