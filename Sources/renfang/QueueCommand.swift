import ArgumentParser
import Foundation
import Registry
import Sync

/// `renfang queue`: the store-and-forward queue to the upstream servers.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "上报队列 / The sync queue to the upstream servers (分局, 省厅).",
        subcommands: [Status.self, Redrive.self, QueueDriveCommand.self]
    )
}

extension QueueCommand {
    /// `renfang queue status`: per destination pending, oldest age, last success, last error,
    /// quarantined, reconciliation.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the queue of each destination.",
            discussion: """
                Per destination: pending items (and priority ones), age of the oldest, delivered, quarantined, \
                last success, last error, the last reconciliation; then the open alarms. --json prints one JSON \
                object. Exit status: 0, or 2 when the register cannot be opened.
                """
        )

        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() throws {
            log.bootstrap()
            let store = try register.openExisting()
            defer { try? store.close() }
            let now = Date()
            let (status, alarms) = try ImportExportSupport.wait {
                try QueueSupport.ensureSchema(store)
                return (try await Outbox(database: store.database).status(), try Alarms.open(store.database))
            }
            if json {
                ImportExportSupport.printJSON(QueueStatusReport(generatedAt: ISO8601DateFormatter().string(from: now), destinations: status.map { QueueStatusReport.Item($0, now: now) },
                                                                alarms: alarms))
                return
            }
            if status.isEmpty { print("队列为空：尚无上报目的地 / no destination has queued records") }
            for s in status {
                print("\(s.destination)")
                print("  待发送 pending:      \(s.pending)" + (s.pendingPriority > 0 ? "（其中预警 \(s.pendingPriority)）" : ""))
                print("  最早积压 oldest age: \(s.oldestAge(at: now).map(QueueSupport.age) ?? "-")")
                print("  已送达 delivered:    \(s.delivered)")
                print("  隔离 quarantined:    \(s.quarantined)")
                print("  上次成功 last success: \(QueueSupport.time(s.lastSuccessAtMillis))")
                print("  上次错误 last error:   \(s.lastError.map { "\(QueueSupport.time(s.lastErrorAtMillis)) \($0)" } ?? "-")"
                      + (s.consecutiveFailures > 0 ? "（连续失败 \(s.consecutiveFailures) 次）" : ""))
                if let r = s.reconciliation {
                    print("  对账 reconciliation:  \(QueueSupport.time(s.reconciledAtMillis)) seq \(r.fromSeq)…\(r.toSeq) "
                          + (r.matched ? "一致 matched" : "不一致 mismatch, 补发 requeued \(r.missing.count)"))
                } else {
                    print("  对账 reconciliation:  -")
                }
            }
            for alarm in alarms { print("告警 ALARM \(alarm.code) \(alarm.destination ?? "-"): \(alarm.message)") }
        }
    }

    /// `renfang queue redrive DESTINATION [--seq N]…`: quarantined items back into the queue.
    struct Redrive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put quarantined items of a destination back in the queue.",
            discussion: """
                Without --seq every quarantined item of DESTINATION is re-queued (keeping its sequence number); \
                with --seq only those. Prints the number re-queued. Use after the cause of the rejection was \
                fixed (the running daemon sends them at its next attempt).
                """
        )

        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "The destination (e.g. bureau, province).") var destination: String
        @Option(name: .long, help: "A sequence number to re-drive (repeatable).") var seq: [Int64] = []
        @Flag(name: .long, help: "Only list the quarantined items.") var list = false

        func run() throws {
            log.bootstrap()
            let store = try register.openExisting()
            defer { try? store.close() }
            let outbox = Outbox(database: store.database)
            let destination = self.destination, seqs = seq.isEmpty ? nil : seq, listOnly = list
            let (items, count) = try ImportExportSupport.wait { () -> ([QuarantinedItem], Int) in
                try QueueSupport.ensureSchema(store)
                if listOnly { return (try await outbox.quarantined(destination, limit: 1000), 0) }
                let count = try await outbox.redrive(destination, seqs: seqs) { db, count in
                    try store.appendQueueAudit(db, at: Date(), actor: Actor(userId: "local-admin", role: .admin), action: "queue.redrive",
                                               detail: QueueAudit.detail(destination: destination, seqs: seqs, count: count))
                }
                return ([], count)
            }
            if listOnly {
                for item in items {
                    print("\(item.seq)\t\(item.kind)\t\(item.recordUUID)\t\(item.errorCode)\t\(item.errorMessage)")
                }
            } else {
                print("re-queued \(count)")
            }
        }
    }
}

/// The JSON of `renfang queue status --json`.
struct QueueStatusReport: Encodable {
    struct Item: Encodable {
        var destination: String
        var pending: Int
        var pendingPriority: Int
        var oldestPendingAgeSeconds: Double?
        var delivered: Int
        var quarantined: Int
        var nextSeq: Int64
        var lastSuccessAt: String?
        var lastErrorAt: String?
        var lastError: String?
        var consecutiveFailures: Int
        var reconciledAt: String?
        var reconciliation: ReconciliationResult?

        init(_ s: DestinationStatus, now: Date) {
            destination = s.destination
            pending = s.pending
            pendingPriority = s.pendingPriority
            oldestPendingAgeSeconds = s.oldestAge(at: now)
            delivered = s.delivered
            quarantined = s.quarantined
            nextSeq = s.nextSeq
            lastSuccessAt = QueueSupport.iso(s.lastSuccessAtMillis)
            lastErrorAt = QueueSupport.iso(s.lastErrorAtMillis)
            lastError = s.lastError
            consecutiveFailures = s.consecutiveFailures
            reconciledAt = QueueSupport.iso(s.reconciledAtMillis)
            reconciliation = s.reconciliation
        }
    }

    var generatedAt: String
    var destinations: [Item]
    var alarms: [SyncAlarm]
}

/// Formatting helpers of the queue commands.
enum QueueSupport {
    /// Applies the sync migrations (a register never written by the daemon has none yet).
    static func ensureSchema(_ store: RegisterStore) throws {
        try SyncSchema.migrate(store.database)
    }

    static func iso(_ millis: Int64?) -> String? {
        millis.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double($0) / 1000)) }
    }

    static func time(_ millis: Int64?) -> String { iso(millis) ?? "-" }

    static func age(_ seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds))s" }
        if seconds < 7200 { return "\(Int(seconds / 60))m" }
        if seconds < 172_800 { return "\(Int(seconds / 3600))h" }
        return "\(Int(seconds / 86400))d"
    }
}
