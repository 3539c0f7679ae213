internal import CYaml

/// A pass over a file's YAML events (libyaml, through Yams' copy) before Yams builds its nodes,
/// refusing what would make building or reading the nodes explode or mislead:
///
/// - aliases that together expand to more than ``ConfigLimits/aliasExpansion`` nodes (a "billion
///   laughs" alias bomb: Yams hashes every mapping key, so a bomb used as a key keeps a core busy
///   for hours), and aliases used as mapping keys;
/// - nesting deeper than ``ConfigLimits/nesting`` (building nodes recurses once per level);
/// - tags (`!!str`, `!custom`): the format has no use for them, and they change how a value reads.
///
/// Syntax errors are left to Yams, which reports them with their line.
///
/// The parser's C state lives in ``EventParser`` only, which frees it in `deinit`.
enum YAMLPreflight {
    /// The first problem found, with its 1-based line and column; nil when the file may be composed.
    static func problem(in text: String) -> (message: String, line: Int, column: Int)? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        return bytes.withUnsafeBufferPointer { buffer in
            let parser = EventParser(buffer)
            return scan(parser)
        }
    }

    private struct Frame {
        var anchor: String?
        var size = 1
        var isMapping: Bool
        var children = 0
    }

    private static func scan(_ parser: EventParser) -> (message: String, line: Int, column: Int)? {
        var stack: [Frame] = []
        var anchors: [String: Int] = [:]
        var expanded = 0
        while let event = parser.next() {
            defer { parser.release() }
            let line = Int(clamping: event.start_mark.line) + 1
            let column = Int(clamping: event.start_mark.column) + 1
            func finish(_ size: Int) {
                guard !stack.isEmpty else { return }
                let (sum, overflow) = stack[stack.count - 1].size.addingReportingOverflow(size)
                stack[stack.count - 1].size = overflow ? Int.max : sum
                stack[stack.count - 1].children += 1
            }
            var isKey: Bool { stack.last.map { $0.isMapping && $0.children % 2 == 0 } ?? false }
            switch event.type {
            case YAML_SCALAR_EVENT:
                if let tag = string(event.data.scalar.tag) { return (tagMessage(tag), line, column) }
                if let anchor = string(event.data.scalar.anchor) { anchors[anchor] = 1 }
                finish(1)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                if let tag = string(tag) { return (tagMessage(tag), line, column) }
                guard stack.count < ConfigLimits.nesting else {
                    return ("lists and mappings are nested more than \(ConfigLimits.nesting) levels deep", line, column)
                }
                stack.append(Frame(anchor: string(anchor), isMapping: isMapping))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { break }
                if let anchor = frame.anchor { anchors[anchor] = frame.size }
                finish(frame.size)
            case YAML_ALIAS_EVENT:
                let name = string(event.data.alias.anchor) ?? ""
                if isKey {
                    return (
                        "an alias (*\(MappingReader.quoted(name).dropFirst().dropLast())) may not be a mapping key: write the key itself",
                        line, column
                    )
                }
                let size = anchors[name] ?? 1
                let (sum, overflow) = expanded.addingReportingOverflow(size)
                expanded = overflow ? Int.max : sum
                if expanded > ConfigLimits.aliasExpansion {
                    return (
                        "the aliases of this file expand to more than \(ConfigLimits.aliasExpansion) values "
                            + "(an alias that repeats aliases, a 'billion laughs'): write the values out or use fewer aliases",
                        line, column
                    )
                }
                finish(size)
            default:
                break
            }
        }
        return nil
    }

    private static func tagMessage(_ tag: String) -> String {
        "YAML tags such as \(MappingReader.quoted(tag)) are not part of the configuration format: remove the tag"
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }
}

/// Owns a libyaml parser reading one buffer, event by event.
private final class EventParser {
    private var parser = yaml_parser_t()
    private var event = yaml_event_t()
    private var holdsEvent = false
    private var failed = false

    /// - Parameter buffer: must outlive the parser.
    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        if yaml_parser_initialize(&parser) == 0 {
            failed = true
            return
        }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
    }

    /// The next event, or nil at the end of the stream or at a syntax error (Yams reports those).
    func next() -> yaml_event_t? {
        guard !failed else { return nil }
        guard yaml_parser_parse(&parser, &event) == 1 else {
            failed = true
            return nil
        }
        holdsEvent = true
        if event.type == YAML_STREAM_END_EVENT {
            release()
            failed = true
            return nil
        }
        return event
    }

    /// Frees the last event's memory.
    func release() {
        if holdsEvent { yaml_event_delete(&event) }
        holdsEvent = false
    }

    deinit {
        release()
        yaml_parser_delete(&parser)
    }
}
