import Foundation
import GRDB
import ServiceLifecycle

/// Checks the free space every `interval` seconds and raises or clears the disk alarms (a Service named
/// `sync.disk`). Refusing photos and records is up to the writers, through ``DiskPressure/check(optional:)``.
public final class DiskPressureService: Service, Sendable {
    /// `sync.disk`.
    public let name = "sync.disk"
    let pressure: DiskPressure
    let database: DatabasePool
    let interval: Double

    /// A monitor of `pressure` writing its alarms to `database`.
    public init(pressure: DiskPressure, database: DatabasePool, interval: Double = 30) {
        self.pressure = pressure
        self.database = database
        self.interval = interval
    }

    /// Runs until cancelled or graceful shutdown.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let level = try self.pressure.update(alarmsIn: self.database)
                    if level != .normal { SyncLog.logger.warning("sync.disk", metadata: ["level": "\(level.rawValue)"]) }
                } catch {
                    SyncLog.logger.error("sync.disk.failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(self.interval))
            }
        }
    }
}
