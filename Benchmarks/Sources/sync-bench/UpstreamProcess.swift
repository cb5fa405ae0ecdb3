import Foundation
import Sync

/// A renfang-upstream child process on a free loopback port (plain HTTP), with the bench appliance's
/// key registered.
final class UpstreamProcess {
    let process: Process
    let url: String

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    static func start(binary: String, directory: URL, appliance: String, signer: BatchSigner) throws -> UpstreamProcess {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("upstream.sqlite").path
        let add = Process()
        add.executableURL = URL(fileURLWithPath: binary)
        add.arguments = ["appliance", "add", "--db", database, appliance, "--public-key", signer.publicKeyBase64]
        try add.run()
        add.waitUntilExit()
        guard add.terminationStatus == 0 else { throw SyncError(.badResponse, "renfang-upstream appliance add failed") }
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: binary)
        serve.arguments = ["serve", "--db", database, "--port", "0", "--no-control"]
        let out = Pipe()
        serve.standardOutput = out
        try serve.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { throw SyncError(.badResponse, "renfang-upstream did not start") }
            line += chunk
        }
        // "listening 127.0.0.1:PORT"
        let text = String(decoding: line, as: UTF8.self)
        guard let port = text.split(separator: "\n")[0].split(separator: ":").last.map({ String($0).trimmingCharacters(in: .whitespaces) })
        else { throw SyncError(.badResponse, "renfang-upstream said: \(text)") }
        return UpstreamProcess(process: serve, url: "http://127.0.0.1:\(port)/")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
