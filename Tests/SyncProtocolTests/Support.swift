import Crypto
import Foundation
@testable import SyncProtocol

/// The test-vector key of protocol-docs/sync-protocol.md: the 32 bytes 00 01 02 … 1f as the Ed25519 seed.
let vectorKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: Data((0..<32).map { UInt8($0) }))

/// The repository root (three levels above this file).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A valid record with the given seq (payload digest computed).
func sampleRecord(seq: Int64, kind: String = "person", payload: JSONValue? = nil, appliance: String = "RF-110105-0001") -> SyncRecord {
    SyncRecord(
        id: UUID(), seq: seq, kind: kind, operation: .create, occurredAt: Date(timeIntervalSince1970: 1_795_000_000.125),
        applianceId: appliance,
        payload: payload ?? ["name": "测试人员", "houseCode": "A-3-1-502", "residents": 3, "flags": [true, nil]])
}

/// A valid unsigned batch of `count` records.
func sampleBatch(count: Int = 3, appliance: String = "RF-110105-0001") -> RecordBatch {
    RecordBatch(batchId: UUID().uuidString.lowercased(), applianceId: appliance, sentAt: SyncTime.string(Date()),
                records: (1...Int64(count)).map { sampleRecord(seq: $0, appliance: appliance) })
}

/// The `<!-- example: NAME.json -->` blocks of sync-protocol.md: (schema file, JSON text).
func docExamples() throws -> [(schema: String, json: String)] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("protocol-docs/sync-protocol.md"), encoding: .utf8)
    var examples: [(String, String)] = []
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
    while let line = lines.next() {
        guard line.hasPrefix("<!-- example: "), let end = line.range(of: " -->") else { continue }
        let schema = String(line[line.index(line.startIndex, offsetBy: 14)..<end.lowerBound])
        guard lines.next() == "```json" else { continue }
        var body: [Substring] = []
        while let next = lines.next(), next != "```" { body.append(next) }
        examples.append((schema, body.joined(separator: "\n")))
    }
    return examples
}

/// Runs python3 with `script` and arguments; returns (status, output).
func runPython(_ script: String, _ arguments: [String]) throws -> (Int32, String) {
    let candidates = ["/usr/bin/python3", "/usr/local/bin/python3"] + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        .split(separator: ":").map { "\($0)/python3" }
    let python = candidates.first { FileManager.default.isExecutableFile(atPath: $0) && pythonHasJSONSchema($0) } ?? "python3"
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("sync-schema-\(UUID()).py")
    try script.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    return try run(python, [file.path] + arguments)
}

private func pythonHasJSONSchema(_ python: String) -> Bool {
    (try? run(python, ["-c", "import jsonschema"]).0) == 0
}

private func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
