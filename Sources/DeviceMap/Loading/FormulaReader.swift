import Decoding
import Formula
import Yams

/// Where a formula's text sits in its YAML file, so an error at a column of the formula is reported at
/// the file's line and column (exactly when the formula is on one line, else at the formula's start).
struct FormulaSource {
    let start: SourcePosition
    /// Whether the text starts exactly at `start` (+1 for a quoted scalar) on that one line.
    let offset: Int?

    init(node: Node, text: String, document: YAMLDocument) {
        start = document.position(of: node)
        let quoted = node.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? false
        let line = Array(document.source.line(start.line).unicodeScalars)
        let textScalars = Array(text.unicodeScalars)
        let column = start.column
        offset = (quoted ? [1, 0] : [0]).first { shift in
            let from = column - 1 + shift
            return from >= 0 && from + textScalars.count <= line.count
                && Array(line[from..<(from + textScalars.count)]) == textScalars
        }
    }

    /// The file position of a 1-based column of the formula.
    func position(column: Int) -> SourcePosition {
        guard let offset else { return start }
        var position = start
        position.column += offset + column - 1
        return position
    }
}

/// Reads the formula keys of a point: `compute` and `simulate`.
struct FormulaReader {
    let reader: MappingReader

    /// The parsed `compute:` formula and where it is, or nil after reporting its error.
    func compute() -> (Formula, FormulaSource)? {
        guard let node = reader.node("compute") else { return nil }
        return parse(node, key: "compute")
    }

    /// `simulate: { input: "formula over value" }` of a computed point.
    func simulate() -> [(input: String, formula: Formula, source: FormulaSource, keyPosition: SourcePosition)] {
        var result: [(String, Formula, FormulaSource, SourcePosition)] = []
        for (key, value) in reader.entries("simulate") ?? [] {
            guard let input = key.scalar?.string else { continue }
            guard let (formula, source) = parse(value, key: "simulate.\(input)") else { continue }
            for reference in formula.references where reference.name != "value" {
                reader.log.error(
                    "a simulate formula computes the input '\(input)' from the point's target 'value' alone, not from '\(reference.name)'",
                    at: source.position(column: reference.column)
                )
            }
            result.append((input, formula, source, reader.document.position(of: key)))
        }
        return result
    }

    private func parse(_ node: Node, key: String) -> (Formula, FormulaSource)? {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            reader.log.error(
                "'\(key)' in \(reader.context) is a formula written as text, such as \"hi + lo / 10\"",
                at: reader.document.position(of: node)
            )
            return nil
        }
        let text = scalar.string
        let source = FormulaSource(node: node, text: text, document: reader.document)
        guard text.utf8.count <= 1024 else {
            reader.log.error("the formula '\(key)' in \(reader.context) is longer than 1024 bytes", at: source.start)
            return nil
        }
        do throws(FormulaError) {
            return (try Formula(text), source)
        } catch {
            reader.log.error(
                "formula of \(reader.context): \(error.message)",
                at: source.position(column: error.column)
            )
            return nil
        }
    }

    /// `expect: 3`, `expect: [2, 3]`, `expect: H2S`: the values a point may report.
    func expect(type: DataType?) -> [ExpectedValue]? {
        guard let node = reader.node("expect") else { return nil }
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        guard !items.isEmpty else {
            reader.log.error("'expect' lists at least one value", at: reader.position(of: "expect"))
            return nil
        }
        let isText: Bool = if case .string? = type { true } else { false }
        var values: [ExpectedValue] = []
        for item in items {
            guard case .scalar(let scalar) = item else {
                reader.log.error("'expect' holds values, not \(item.kindName)", at: reader.document.position(of: item))
                continue
            }
            if isText {
                values.append(.text(scalar.string))
            } else if let number = YAMLNumber.double(item), number.isFinite {
                values.append(.number(number))
            } else {
                reader.log.error(
                    "'expect' on a number point lists numbers (engineering values), not \(item.kindName)",
                    at: reader.document.position(of: item)
                )
            }
        }
        return values
    }
}
