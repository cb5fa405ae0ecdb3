import Feed
import Foundation
import Logging
import Registry
import ServiceLifecycle

/// The service "maintenance" (the reminder scheduler of the issue): once a minute it refreshes the
/// occupancy on the feed; when the date changes it refreshes the banner's date and runs the register's
/// automatic cancellation of expired stays (their reminders) and applies the retention periods (card reads,
/// sessions); all of it until graceful shutdown.
final class MaintenanceService: Service, CustomStringConvertible, Sendable {
    let daemon: Daemon
    let interval: Duration
    let logger = Logger(label: "renfang.maintenance")

    init(daemon: Daemon, interval: Duration = .seconds(60)) {
        self.daemon = daemon
        self.interval = interval
    }

    var description: String { "maintenance" }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var lastDay: RegisterDate?
            while !Task.isCancelled {
                let day = PlaceResolver.day(of: Date())
                if day != lastDay {
                    await self.daily()
                    lastDay = day
                }
                await self.daemon.publishOccupancy()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    func daily() async {
        await daemon.publishBanner()
        do {
            let result = try await daemon.register.runAutoCancellation(now: Date())
            logger.info("automatic cancellation", metadata: ["cancelled": "\(result.cancelled.count)"])
        } catch {
            logger.warning("automatic cancellation failed", metadata: ["error": "\(error)"])
        }
        await applyRetention(now: Date())
    }

    /// The retention periods of `retention:`: card reads older than `card_read_days`, sessions that ended
    /// more than `session_days` ago. (Acknowledged outbox rows are pruned hourly by the sync module; the
    /// audit log is never pruned.)
    func applyRetention(now: Date) async {
        let retention = daemon.configuration.retention
        let day: TimeInterval = 86_400
        do {
            let deleted = try await daemon.register.pruneCardReads(before: now - Double(retention.cardReadDays) * day)
            logger.info("retention: card reads", metadata: ["deleted": "\(deleted)", "days": "\(retention.cardReadDays)"])
        } catch {
            logger.warning("retention of card reads failed", metadata: ["error": "\(error)"])
        }
        do {
            let deleted = try daemon.accounts.pruneSessions(now: now - Double(retention.sessionDays) * day)
            logger.info("retention: sessions", metadata: ["deleted": "\(deleted)", "days": "\(retention.sessionDays)"])
        } catch {
            logger.warning("retention of sessions failed", metadata: ["error": "\(error)"])
        }
    }
}
