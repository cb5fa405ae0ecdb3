import Foundation
import ServiceLifecycle

/// Prunes the outbox every `interval` seconds (a Service named `sync.prune`): rows every destination
/// acknowledged more than `retentionDays` ago, and their snapshots (``Outbox/prune(acknowledgedBefore:batchSize:)``).
public final class OutboxPruneService: Service, Sendable {
    /// `sync.prune`.
    public let name = "sync.prune"
    let outbox: Outbox
    let retentionDays: Int
    let interval: Double

    /// Prunes `outbox`, keeping acknowledged rows for `retentionDays` days, every `interval` seconds
    /// (the first time right after start).
    public init(outbox: Outbox, retentionDays: Int = 30, interval: Double = 3600) {
        self.outbox = outbox
        self.retentionDays = retentionDays
        self.interval = interval
    }

    /// The cutoff at `now`: acknowledged before it means older than the retention period.
    public func cutoff(now: Date) -> Date {
        now.addingTimeInterval(-Double(retentionDays) * 86_400)
    }

    /// Runs until cancelled or graceful shutdown.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let result = try await self.outbox.prune(acknowledgedBefore: self.cutoff(now: self.outbox.clock()))
                    if result.outboxRows > 0 {
                        SyncLog.logger.info("sync.prune", metadata: ["rows": "\(result.outboxRows)", "changes": "\(result.changes)"])
                    }
                } catch {
                    SyncLog.logger.error("sync.prune.failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(self.interval))
            }
        }
    }
}
