import Crypto
import Foundation
import SyncProtocol
import Testing
@testable import UpstreamServer

/// The `renfang-upstream` binary next to this test bundle.
let upstreamBinary: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("renfang-upstream")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/renfang-upstream")
}()

/// Runs the binary to completion; returns (status, stdout+stderr).
func upstream(_ arguments: [String]) async throws -> (Int32, String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-out-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let process = Process()
    process.executableURL = upstreamBinary
    process.arguments = arguments
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    return (status, String(decoding: try Data(contentsOf: output), as: UTF8.self))
}

@Suite struct CLITests {
    @Test func serveFaultPushAndDump() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-cli-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("up.sqlite").path
        let appliance = TestAppliance("RF-CLI-0001")
        var (status, text) = try await upstream(["appliance", "add", appliance.id, "--public-key", appliance.key.publicKey.rawRepresentation.base64EncodedString(), "--db", db])
        #expect(status == 0, "\(text)")

        // serve on free ports; the first stdout line names them.
        let outFile = directory.appendingPathComponent("serve.out")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        let serve = Process()
        serve.executableURL = upstreamBinary
        serve.arguments = ["serve", "--db", db, "--port", "0", "--control-port", "0"]
        serve.standardOutput = try FileHandle(forWritingTo: outFile)
        try serve.run()
        defer { serve.terminate(); serve.waitUntilExit() }
        var line = ""
        for _ in 0..<200 where !line.contains("control") {
            try await Task.sleep(for: .milliseconds(50))
            line = String(decoding: try Data(contentsOf: outFile), as: UTF8.self)
        }
        // "listening 127.0.0.1:PORT control 127.0.0.1:PORT"
        let words = line.split(whereSeparator: \.isWhitespace)
        #expect(words.count == 4, "\(line)")
        let serverPort = Int(words[1].split(separator: ":").last!)!, control = Int(words[3].split(separator: ":").last!)!
        let base = "http://127.0.0.1:\(serverPort)"

        (status, text) = try await upstream(["fault", "--control-port", String(control), "overloaded=9", "reject-kind=read"])
        #expect(status == 0 && text.contains("overloaded=9 reject-kind=read"), "\(text)")
        #expect(try await curl(base + "/v1/health").status == 429)
        (status, text) = try await upstream(["fault", "--control-port", String(control), "off", "overloaded"])
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "reject-kind=read")
        let answer = try await curl(base + "/v1/batches", method: "POST", body: try appliance.batch([appliance.record(seq: 1), appliance.record(seq: 2, kind: "read")]))
        #expect(try answer.decode(BatchResponse.self).receipts.map(\.status) == [.accepted, .rejected])
        (status, text) = try await upstream(["fault", "--control-port", String(control), "bogus"])
        #expect(status != 0)

        // push a notice and a file, then pull them over HTTP.
        (status, text) = try await upstream(["push", "--db", db, "--notice", "明天停电", "--level", "warning"])
        #expect(status == 0, "\(text)")
        let file = directory.appendingPathComponent("case.json")
        try Data(#"[{"kind":"verification.case","body":{"caseNo":"HC-7"}}]"#.utf8).write(to: file)
        (status, text) = try await upstream(["push", "--db", db, file.path, "--appliance", appliance.id])
        #expect(status == 0, "\(text)")
        let page = try await curl(base + "/v1/inbox?appliance=\(appliance.id)").decode(InboxPage.self)
        #expect(page.messages.map(\.kind) == [.notice, .verificationCase])
        #expect(page.messages[0].body["level"] == "warning")

        (status, text) = try await upstream(["dump", "--db", db])
        #expect(status == 0)
        #expect(text.contains("record \(appliance.id) seq=1"))
        #expect(text.contains("rejected \(appliance.id) seq=2") && text.contains("code=record.kindRefused"))
        #expect(text.contains("inbox cursor=2") && text.contains("kind=verification.case"))
    }
}
