import Foundation

/// A bound a figure must meet.
struct Target: Sendable {
    enum Relation: String, Sendable {
        case atLeast = "≥"
        case below = "<"
        case atMost = "≤"
        case equal = "="
    }

    var relation: Relation
    var bound: Double
    /// What the bound is written as, e.g. "0.90" or "0.10 core".
    var text: String

    static func atLeast(_ bound: Double, _ text: String? = nil) -> Target {
        Target(relation: .atLeast, bound: bound, text: text ?? Figure.format(bound))
    }

    static func below(_ bound: Double, _ text: String? = nil) -> Target {
        Target(relation: .below, bound: bound, text: text ?? Figure.format(bound))
    }

    static func atMost(_ bound: Double, _ text: String? = nil) -> Target {
        Target(relation: .atMost, bound: bound, text: text ?? Figure.format(bound))
    }

    static func equal(_ bound: Double, _ text: String? = nil) -> Target {
        Target(relation: .equal, bound: bound, text: text ?? Figure.format(bound))
    }

    func holds(for value: Double) -> Bool {
        switch relation {
        case .atLeast: value >= bound
        case .below: value < bound
        case .atMost: value <= bound
        case .equal: abs(value - bound) < 1e-9
        }
    }
}

/// One line of output: a figure, its reference beside it, their ratio and the target.
struct Figure: Sendable {
    var scenario: String
    var label: String
    var value: Double
    var unit: String
    var referenceLabel: String?
    var reference: Double?
    /// What the target judges: the ratio (figure / reference) unless set.
    var judged: Double?
    var target: Target?
    var note: String?

    var ratio: Double? {
        guard let reference, reference != 0 else { return nil }
        return value / reference
    }

    var line: String {
        var parts = ["\(scenario)", "\(label) \(Self.format(value)) \(unit)"]
        if let referenceLabel, let reference { parts.append("\(referenceLabel) \(Self.format(reference)) \(unit)") }
        if let ratio { parts.append("ratio \(String(format: "%.2f", ratio))") }
        if let target, let subject = judged ?? ratio {
            parts.append("target \(target.relation.rawValue) \(target.text)")
            parts.append(target.holds(for: subject) ? "PASS" : "MISS")
        }
        if let note { parts.append("(\(note))") }
        return parts.joined(separator: "  ")
    }

    /// Prints the line now (standard output is flushed at once so a long run shows progress).
    func print() {
        printLine(line)
    }

    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 100 || value == value.rounded() && magnitude < 1e15 {
            return magnitude >= 100 ? String(Int(value.rounded())) : String(Int(value))
        }
        if magnitude >= 10 { return String(format1(value, digits: 1)) }
        if magnitude >= 0.01 { return format1(value, digits: 3) }
        return format1(value, digits: 5)
    }

    private static func format1(_ value: Double, digits: Int) -> String {
        let scale = (0..<digits).reduce(1.0) { result, _ in result * 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        }
        return text
    }
}
