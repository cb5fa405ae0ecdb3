import ArgumentParser
import Foundation
import Registry
import Sync

/// `renfang queue drive` (hidden): registers made-up people while the uplinks send them — the child
/// process of the crash-safety test and scripts/crash-cycles, which kill it with SIGKILL at random
/// points. Continues where the last run stopped (the next person index is the number of people in the
/// register); with `--drain` waits until every destination's queue is empty, then exits.
struct QueueDriveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drive",
        abstract: "Register made-up people while uploading them (crash-safety driver).",
        shouldDisplay: false
    )

    @OptionGroup var register: RegisterOptions
    @OptionGroup var log: LogOptions
    @Option(name: .long, help: "A destination as NAME=URL (repeatable).") var destination: [String] = []
    @Option(name: .long, help: "People to register in this run.") var count = 0
    @Option(name: .long, help: "Records per batch.") var batchSize = 20
    @Flag(name: .long, help: "After registering, wait until every queue is empty.") var drain = false
    @Option(name: .long, help: "Give up draining after this many seconds (exit 1).") var timeout: Double = 120
    @Option(name: .long, help: "The appliance id.") var appliance = "app-crash-01"
    @Option(name: .long, help: "The Ed25519 batch-signing key file (32 bytes or base64).") var signingKey: String?

    func run() throws {
        log.bootstrap()
        let destinations = try destination.map { text -> DestinationConfiguration in
            guard let eq = text.firstIndex(of: "=") else { throw ValidationError("--destination NAME=URL") }
            return DestinationConfiguration(
                name: String(text[..<eq]), url: String(text[text.index(after: eq)...]), batchSize: batchSize,
                connectTimeout: 2, requestTimeout: 10, retry: RetryPolicy(initialDelay: 0.05, maximumDelay: 0.5),
                idlePollInterval: 0.2, inboxInterval: 0, reconcileInterval: 0)
        }
        let configuration = SyncConfiguration(applianceId: appliance, destinations: destinations, signingKeyFile: signingKey)
        var options = RegisterStore.Options()
        options.createIfMissing = true
        let system = try SyncSystem.open(registerPath: register.database, keyFile: register.key,
                                         configuration: configuration, options: options)
        let count = self.count, drain = self.drain, timeout = self.timeout
        try ImportExportSupport.wait {
            let uplinks = try system.uplinks()
            let tasks = uplinks.map { uplink in Task { try await uplink.run() } }
            var found = try await SyntheticRegistrations.existing(system.store)
            if found == nil { found = try await SyntheticRegistrations.prepare(system.store) }
            let demo = found!
            let first = try await system.store.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM person") ?? 0 }
            for index in first..<(first + count) {
                try await demo.register(system.store, index: index)
            }
            print("registered \(first + count)")
            if drain {
                let deadline = Date().addingTimeInterval(timeout)
                while try await system.status().contains(where: { $0.pending > 0 }) {
                    guard Date() < deadline else { throw ExitCode(1) }
                    try await Task.sleep(for: .milliseconds(50))
                }
                print("drained")
            }
            for task in tasks { task.cancel() }
            for task in tasks { _ = try? await task.value }
        }
        try system.store.close()
    }
}
