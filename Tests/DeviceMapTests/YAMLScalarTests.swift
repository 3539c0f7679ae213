import Testing
import Yams

@testable import DeviceMap

/// The files are composed with Yams' basic resolver (no ICU regular expressions at start): flags and
/// numbers are read from plain scalars by chemgate itself, as YAML 1.1 writes them.
@Suite("YAML scalars")
struct YAMLScalarTests {
    @Test func flagsAreYAML11WordsInPlainScalarsOnly() throws {
        let text = """
            a: true
            b: False
            c: YES
            d: no
            e: On
            f: OFF
            g: "true"
            h: tRuE
            i: 1
            j: 'no'
            """
        let log = IssueLog()
        let document = try #require(YAMLDocument.parse(text, name: "flags.yaml", log: log))
        let keys = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
        let reader = try #require(
            MappingReader(document.root, context: "flags", allowed: keys, document: document, log: log)
        )
        #expect(keys.map { reader.bool($0) } == [true, false, true, false, true, false, nil, nil, nil, nil])
        // Each refusal names its line and what was written.
        let errors = log.issues.filter { $0.severity == .error }
        #expect(errors.map(\.line) == [7, 8, 9, 10])
        #expect(errors.allSatisfy { $0.message.contains("must be true or false") })
        #expect(errors.first?.message.contains("'true'") == true)
    }

    @Test func numbersAndTextKeepTheirMeaningUnderTheBasicResolver() throws {
        let text = """
            count: 0x10
            octal: 010
            quoted: "12"
            name: 12
            empty:
            """
        let log = IssueLog()
        let document = try #require(YAMLDocument.parse(text, name: "numbers.yaml", log: log))
        let reader = try #require(
            MappingReader(
                document.root,
                context: "numbers",
                allowed: ["count", "octal", "quoted", "name", "empty"],
                document: document,
                log: log
            )
        )
        #expect(reader.int("count") == 16)
        #expect(reader.int("octal") == 8)
        #expect(reader.int("quoted") == nil)
        #expect(reader.string("name") == "12")
        #expect(reader.string("empty") == nil)
        #expect(log.issues.filter { $0.severity == .error }.count == 2)
    }

    @Test func thePasswordOfEveryURLIsFoundWithoutFoundation() {
        let text = "a: https://user:s3cret@park.example/api\nb: mqtt://gw@broker:1883 ::// x://:p@h"
        #expect(UplinkURL.secrets(in: text) == ["s3cret", "gw", "p"])
        #expect(UplinkURL.secret(in: "http://park.example/api") == nil)
        #expect(UplinkURL.schemeSeparator(in: "été://x") == "été".endIndex..<"été://".endIndex)
    }
}
