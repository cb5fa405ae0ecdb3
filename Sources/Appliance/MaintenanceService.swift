import Feed
import Foundation
import Logging
import Registry
import ServiceLifecycle

/// The service "maintenance" (the reminder scheduler of the issue): once a minute it refreshes the
/// occupancy on the feed; when the date changes it refreshes the banner's date and runs the register's
/// automatic cancellation of expired stays (their reminders); all of it until graceful shutdown.
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
    }
}
