import Decoding
import Formula

/// The formulas of one map, collected while its points are read.
///
/// A reference type shared by the point readers of one load, like ``IssueLog``; used by one thread at a time.
final class FormulaSites {
    struct Site {
        var point: String
        var formula: Formula
        var source: FormulaSource
        /// The inputs named under `simulate`, with the position of each key.
        var simulated: [(input: String, position: SourcePosition)]
    }

    private(set) var sites: [Site] = []

    func add(_ site: Site) { sites.append(site) }
}

/// Checks every formula of a map against its points: unknown or text references, and cycles.
struct FormulaChecks {
    let points: [PointDefinition]
    let sites: FormulaSites
    let file: SourceFile
    let log: IssueLog

    func run() {
        let byID = Dictionary(points.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for site in sites.sites {
            let references = site.formula.references
            for reference in references {
                let position = site.source.position(column: reference.column)
                guard let input = byID[reference.name] else {
                    var message =
                        "the formula of point '\(site.point)' refers to '\(reference.name)', which is not a point of this map"
                    if let suggestion = nearest(to: reference.name, in: points.map(\.id)) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    message += " (an id with '-' is written in backquotes: `gas-raw`)"
                    log.error(message, at: position)
                    continue
                }
                if reference.name == site.point {
                    log.error("the formula of point '\(site.point)' refers to the point itself", at: position)
                } else if case .string = input.type, !input.isComputed {
                    log.error(
                        "the formula of point '\(site.point)' uses '\(reference.name)', which is text (type string): formulas compute with numbers",
                        at: position
                    )
                }
            }
            let names = Set(references.map(\.name))
            for (input, position) in site.simulated where !names.contains(input) {
                log.error(
                    "'simulate' of point '\(site.point)' writes '\(input)', which its formula does not use; inputs: \(references.map(\.name).joined(separator: ", "))",
                    at: position
                )
            }
        }
        checkCycles(byID: byID)
        let used = Set(sites.sites.flatMap { $0.formula.references.map(\.name) })
        for point in points where point.hidden && !point.isQualifier && !used.contains(point.id) {
            log.warning(
                "point '\(point.id)' is hidden but no formula uses it: it is read and never reported; use it in a 'compute', or remove 'hidden'",
                at: SourcePosition(file: file, line: point.line, column: 5)
            )
        }
    }

    /// A computed point that depends on itself through other computed points can never be evaluated.
    private func checkCycles(byID: [String: PointDefinition]) {
        let sitesByPoint = Dictionary(sites.sites.map { ($0.point, $0) }, uniquingKeysWith: { first, _ in first })
        var done: Set<String> = []
        var reported: Set<String> = []
        func visit(_ id: String, path: [String]) {
            if let start = path.firstIndex(of: id) {
                let cycle = Array(path[start...]) + [id]
                guard reported.insert(cycle.dropLast().sorted().joined(separator: ",")).inserted,
                    let first = sitesByPoint[cycle[0]],
                    let reference = first.formula.references.first(where: { $0.name == cycle[1] })
                else { return }
                log.error(
                    "formulas refer to each other in a circle: \(cycle.joined(separator: " → ")); a computed point may use another only if that one does not use it back",
                    at: first.source.position(column: reference.column)
                )
                return
            }
            guard !done.contains(id), let site = sitesByPoint[id] else { return }
            for reference in site.formula.references where reference.name != id && byID[reference.name] != nil {
                visit(reference.name, path: path + [id])
            }
            done.insert(id)
        }
        for site in sites.sites { visit(site.point, path: []) }
    }
}
