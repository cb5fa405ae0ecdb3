import Feed
import Foundation
import Logging
import Registry
import ServiceLifecycle

/// The service "maintenance" (the reminder scheduler of the issue): once a minute it refreshes the
/// occupancy on the feed and, when the public notices received through the inbox changed, the banner;
/// when the date changes it refreshes the banner's date and runs the register's
/// automatic cancellation of expired stays (their reminders) and applies the retention periods (card reads,
/// sessions); all of it until graceful shutdown. Between the minutes, a card read (on the bus) or a write
/// through the API refreshes the occupancy within a fraction of a second, so the big screen follows what
/// happens. Every second it checkpoints the register's write-ahead log from a connection of its own once
/// 4,096 pages have been committed since the last checkpoint, so no commit (a card read with its alert, a
/// registration) pays for a checkpoint (``RegisterStore/deferCheckpoints(toPages:)``).
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
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.refreshOnRequest() }
                group.addTask { try await self.checkpoints() }
                group.addTask { await self.requestOnCardReads() }
                group.addTask { try await self.minutely() }
            }
        }
    }

    /// Publishes the occupancy after each request, coalescing the requests that arrive meanwhile.
    func refreshOnRequest() async {
        for await _ in daemon.occupancyRequests.stream {
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(150))
            await daemon.publishOccupancy()
        }
    }

    /// The register's WAL checkpoints: every second, when at least
    /// ``RegisterStore/backgroundCheckpointPages`` have been committed since the last one, off the
    /// cooperative pool (they write and fsync the database file). A failure is logged; the writer's own
    /// checkpoint past 10,000 pages is the safety net.
    func checkpoints() async throws {
        let register = daemon.register
        var failing = false
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            let result: Result<CheckpointResult?, any Error> = await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: Result { try register.checkpointIfNeeded() }) }
            }
            switch result {
            case .success:
                if failing { logger.notice("register checkpoints work again") }
                failing = false
            case let .failure(error):
                if !failing { logger.warning("register checkpoint failed", metadata: ["error": "\(error)"]) }
                failing = true
            }
        }
    }

    /// A card read is counted on the screen: ask for a refresh at each one.
    func requestOnCardReads() async {
        let reads = daemon.bus.subscribe(topics: [.card], audience: .public, capacity: 16)
        defer { reads.cancel() }
        for await _ in reads {
            daemon.occupancyRequests.continuation.yield()
        }
    }

    func minutely() async throws {
        var lastDay: RegisterDate?
        var lastNotices: [UUID]?
        while !Task.isCancelled {
            let day = PlaceResolver.day(of: Date())
            let notices = try? await daemon.register.publicNotices().map(\.uuid)
            if day != lastDay {
                await daily()
                lastDay = day
            } else if let notices, notices != lastNotices {
                await daemon.publishBanner()  // a public notice arrived through the inbox (or aged out)
            }
            lastNotices = notices
            await daemon.publishOccupancy()
            try await Task.sleep(for: interval)
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
