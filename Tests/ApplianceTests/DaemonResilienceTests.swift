import Accounts
import FeedTesting
import Foundation
import Glibc
import Registry
import Sync
import Testing

/// A renfang-upstream process on its own SQLite file, that the test can kill and start again.
final class UpstreamProcess: @unchecked Sendable {
    let database: String
    let port: Int
    private var process: Process?

    init(database: String, port: Int, appliance: String, publicKey: String) throws {
        self.database = database
        self.port = port
        let add = Process()
        add.executableURL = builtBinary("renfang-upstream")
        add.arguments = ["appliance", "add", appliance, "--public-key", publicKey, "--db", database]
        add.standardOutput = FileHandle.nullDevice
        try add.run()
        add.waitUntilExit()
        guard add.terminationStatus == 0 else { throw TestError("renfang-upstream appliance add: \(add.terminationStatus)") }
        try start()
    }

    func start() throws {
        let process = Process()
        process.executableURL = builtBinary("renfang-upstream")
        process.arguments = ["serve", "--db", database, "--port", "\(port)", "--no-control"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// SIGKILL: the server is gone without a word, as when its machine loses power.
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The record ids the server holds, with how many times each.
    func recordIds() -> [String] {
        sqlite(database, "SELECT id FROM records ORDER BY id")
    }
}

/// Lines of a query's single column, through the sqlite3 tool (the database may be open elsewhere).
func sqlite(_ path: String, _ sql: String) -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-readonly", path, sql]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return [] }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

/// `curl` as a long-running client (an SSE stream): its output collected as it arrives.
final class StreamingCurl: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var received = Data()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-N"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.received.append(data) }
        }
        try process.run()
    }

    var text: String { lock.withLock { String(decoding: received, as: UTF8.self) } }

    /// Waits until the output contains `needle`.
    func waitFor(_ needle: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.contains(needle) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

@Suite("renfangd keeps serving: police SSE, both upstreams exactly once, a dead upstream, a dead reader, a stuck feed client", .serialized)
struct DaemonResilienceTests {
    /// Polls `condition` until it holds (or `timeout`).
    func eventually(_ timeout: Duration = .seconds(60), _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return try condition()
    }

    @Test("a listed card reaches the police SSE stream and the alert socket, never the public one; every record reaches both upstreams exactly once, the dead one after it returns; a dead reader and a stuck feed client leave the daemon serving; SIGTERM with open streams is quick")
    func wholeAppliance() async throws {
        let signer = BatchSigner.generate()
        let root = URL(fileURLWithPath: "/tmp/rfd-up-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let bureau = try UpstreamProcess(database: root.appendingPathComponent("bureau.sqlite").path, port: try freePort(),
                                         appliance: "box-test", publicKey: signer.publicKeyBase64)
        defer { bureau.kill() }
        let province = try UpstreamProcess(database: root.appendingPathComponent("province.sqlite").path, port: try freePort(),
                                           appliance: "box-test", publicKey: signer.publicKeyBase64)
        defer { province.kill() }
        let signingKey = root.appendingPathComponent("signing.key")
        try Data(signer.key.rawRepresentation.base64EncodedString().utf8).write(to: signingKey)
        chmod(signingKey.path, 0o600)
        let retry = "retry: {initial_delay: 0.2, maximum_delay: 1}\n      idle_poll_interval: 0.2"
        let box = try await Box(extraYAML: """
            sync:
              signing_key: \(signingKey.path)
              destinations:
                - name: bureau
                  url: http://127.0.0.1:\(bureau.port)
                  kinds: ["*"]
                  \(retry)
                - name: province
                  url: http://127.0.0.1:\(province.port)
                  kinds: ["*"]
                  \(retry)
            """)
        defer { box.cleanup() }

        // A police officer of the box's station.
        let password = "correct horse battery 9"
        do {
            let register = try RegisterStore.open(path: box.databasePath, keyFile: box.keyPath)
            let station = try await register.stations(for: Actor(userId: "setup", role: .admin))[0].uuid
            let accounts = try AccountStore(register: register)
            try accounts.addUser(UserDraft(name: "police1", displayName: "测试民警", role: .police(station: station)), password: password,
                                 by: Actor(userId: "setup", role: .securityOfficer))
            try register.close()
        }

        let daemon = try DaemonProcess(box: box)
        defer { if daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGKILL) } }
        try await daemon.waitFor("READY=1")
        let base = "http://127.0.0.1:\(box.port)"

        // The police session and its live stream of alerts.
        let jar = root.appendingPathComponent("cookies").path
        let login = Process()
        login.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        login.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-c", jar, "-H", "Content-Type: application/json",
                           "-d", #"{"user":"police1","password":"\#(password)"}"#, "\(base)/api/v1/auth/login"]
        let loginOut = Pipe()
        login.standardOutput = loginOut
        try login.run()
        login.waitUntilExit()
        #expect(String(decoding: loginOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "200")
        let sse = try StreamingCurl(["-b", jar, "\(base)/api/v1/events?topics=alert,card"])
        defer { if sse.process.isRunning { sse.process.terminate() } }
        #expect(await sse.waitFor(": connected"), "SSE stream: \(sse.text)")

        // Feed clients: one that reads each socket, and one on the public socket that never reads.
        let alerts = try LineClient(path: box.alertPath)
        try alerts.send(#"{"op":"subscribe","topics":["alert"]}"#)
        _ = try await alerts.next(type: "subscribed")
        let public_ = try LineClient(path: box.feedPath)
        try public_.send(#"{"op":"subscribe","topics":["card","occupancy"]}"#)
        _ = try await public_.next(type: "subscribed")
        let stuck = try LineClient(path: box.feedPath)
        stuck.setReceiveBuffer(1024)
        try stuck.send(#"{"op":"subscribe","topics":["card","occupancy","banner","reader"]}"#)

        // The province server dies before the cards are read.
        province.kill()

        box.emulator.place(box.otherCard)
        _ = try #require(try await public_.next(type: "card.read"))
        _ = box.emulator.remove()
        try await Task.sleep(for: .milliseconds(300))
        box.emulator.place(box.listedCard)
        let opened = try #require(try await alerts.next(type: "alert.opened"))
        let alertId = try #require((opened["data"] as? [String: Any])?["alertId"] as? String)
        #expect(await sse.waitFor("event: alert.opened"), "police SSE: \(sse.text)")
        #expect(sse.text.contains(alertId))
        let listedId = try #require(box.listedCard.text.decoded.idNumber)
        #expect(!sse.text.contains(listedId), "the police stream carries the masked number only")
        _ = try #require(try await public_.next(type: "card.read"))
        while let line = try? await public_.nextLine(timeout: .milliseconds(500)) {
            #expect(!line.contains("\"topic\":\"alert\""), "public socket carried an alert: \(line)")
        }
        _ = box.emulator.remove()

        // The daemon keeps serving with one upstream down and a client that reads nothing.
        #expect(try curl("\(base)/api/v1/health").status == 200)

        // Every record queued for a destination, by envelope id (the backfill of the places included).
        func queued(_ destination: String) -> [String] {
            sqlite(box.databasePath, """
                SELECT c.uuid FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id WHERE o.destination = '\(destination)' ORDER BY c.uuid
                """)
        }
        let alertRecords = sqlite(box.databasePath, "SELECT count(*) FROM sync_change WHERE kind = 'alert'")
        #expect(alertRecords == ["1"])
        #expect(await eventually { !queued("bureau").isEmpty && bureau.recordIds() == queued("bureau") },
                "bureau holds \(bureau.recordIds().count) of \(queued("bureau").count)")
        // The province got the backfilled places before it died, none of the reads.
        #expect(sqlite(province.database, "SELECT count(*) FROM records WHERE kind IN ('card_read', 'alert')") == ["0"])
        #expect(province.recordIds().count < queued("province").count)
        #expect(queued("province").count == queued("bureau").count)

        // The province comes back: it gets everything, once.
        try province.start()
        #expect(await eventually { province.recordIds() == queued("province") },
                "province holds \(province.recordIds().count) of \(queued("province").count)")
        #expect(Set(bureau.recordIds()).count == bureau.recordIds().count)
        let kinds = sqlite(province.database, "SELECT kind || ':' || count(*) FROM records GROUP BY kind ORDER BY kind")
        #expect(kinds.contains("alert:1") && kinds.contains("card_read:2"), "\(kinds)")

        // The reader dies (its emulator goes away): the reader is reported, the daemon keeps serving.
        box.emulator.stop()
        let readersJSON = root.appendingPathComponent("readers.json").path
        #expect(try await eventually(.seconds(30)) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = ["-s", "-o", readersJSON, "-b", jar, "\(base)/api/v1/readers"]
            try p.run()
            p.waitUntilExit()
            let text = (try? String(contentsOfFile: readersJSON, encoding: .utf8)) ?? ""
            return !text.contains("\"ready\"") && !text.contains("\"reading\"") && text.contains("serial")
        }, "readers: \((try? String(contentsOfFile: readersJSON, encoding: .utf8)) ?? "")")
        #expect(try curl("\(base)/api/v1/health").status == 200)

        // SIGTERM with the police stream and both feed clients still connected: a prompt, clean exit.
        let started = ContinuousClock.now
        let status = await daemon.terminate()
        let took = ContinuousClock.now - started
        #expect(status == 0, "renfangd exit status; log:\n\(daemon.log)")
        #expect(took < .seconds(8), "SIGTERM took \(took)")
        #expect(!daemon.log.contains(listedId))
        _ = stuck
    }
}
