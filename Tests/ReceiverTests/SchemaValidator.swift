import Foundation

/// Validates JSON documents against a schema in `docs/` with Python's `jsonschema` (Draft 2020-12).
enum SchemaValidator {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static let script = """
        import json, sys
        try:
            import jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            documents = json.load(open(sys.argv[2]))
            print(json.dumps([validator.is_valid(document) for document in documents]))
        except Exception as error:
            print(repr(error), file=sys.stderr)
            sys.exit(3)
        """

    /// Whether each document is valid against `docs/<schema>`.
    static func validate(_ documents: [Data], schema: String) throws -> [Bool] {
        let schemaPath = Fixtures.packageRoot.appendingPathComponent("docs").appendingPathComponent(schema).path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let documentsFile = directory.appendingPathComponent("documents.json")
        var array = Data("[".utf8)
        for (index, document) in documents.enumerated() {
            if index > 0 { array.append(contentsOf: Array(",".utf8)) }
            array.append(document)
        }
        array.append(contentsOf: Array("]".utf8))
        try array.write(to: documentsFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, schemaPath, documentsFile.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "python3 jsonschema exited \(process.terminationStatus): "
                    + String(decoding: errorData, as: UTF8.self)
            )
        }
        let verdicts = try JSONDecoder().decode([Bool].self, from: outputData)
        guard verdicts.count == documents.count else {
            throw Failure(description: "expected \(documents.count) verdicts")
        }
        return verdicts
    }
}
