import Foundation
import GRDB
import Registry
import ServiceLifecycle

/// The register with its sync queue: what the daemon composes.
///
/// ```swift
/// let system = try SyncSystem.open(registerPath: p, keyFile: k, configuration: config, options: options)
/// let services = try system.services()         // one uplink per destination (libcurl) + the disk monitor
/// // add `services` to the daemon's ServiceGroup; use `system.store` for the register operations and
/// // `system.diskPressure.check(optional: true)` before storing a photo
/// ```
public final class SyncSystem: Sendable {
    /// The validated configuration.
    public let configuration: SyncConfiguration
    /// The register, whose every write transaction queues its outbox rows.
    public let store: RegisterStore
    /// The outbox in the register's database.
    public let outbox: Outbox
    /// Notified after each commit that queued rows.
    public let signal: OutboxSignal
    /// Free-space checks for the register's file system.
    public let diskPressure: DiskPressure
    /// Records already in the register that were queued at this opening for destinations that had never
    /// had anything queued (``SyncRouting/store(_:in:now:)``), per destination.
    public let backfilled: [String: Int]

    init(configuration: SyncConfiguration, store: RegisterStore, signal: OutboxSignal, clock: @escaping @Sendable () -> Date,
         backfilled: [String: Int] = [:]) {
        self.configuration = configuration
        self.backfilled = backfilled
        self.store = store
        self.signal = signal
        outbox = Outbox(database: store.database, clock: clock)
        diskPressure = DiskPressure(path: URL(fileURLWithPath: store.path).deletingLastPathComponent().path,
                                    configuration: configuration)
    }

    /// Validates `configuration`, opens the register with an ``OutboxSink`` as its change sink (replacing
    /// `options.changeSink`), applies the sync migrations before anything is written, and stores the routing
    /// in the database for the register's other writers (``StoredRoutingSink``).
    ///
    /// `backfillProgress` is called during the backfill of new destinations (``SyncRouting/store(_:in:now:progress:)``).
    public static func open(
        registerPath: String, keyFile: String, configuration: SyncConfiguration,
        options: RegisterStore.Options = RegisterStore.Options(), backfillProgress: ((Int) -> Void)? = nil
    ) throws -> SyncSystem {
        try configuration.validate()
        let signal = OutboxSignal()
        var options = options
        options.changeSink = OutboxSink(configuration: configuration, clock: options.clock, signal: signal)
        let store = try RegisterStore.open(path: registerPath, keyFile: keyFile, options: options)
        let backfilled: [String: Int]
        do {
            try SyncSchema.migrate(store.database)
            backfilled = try SyncRouting.store(configuration, in: store.database, now: options.clock(), progress: backfillProgress)
        } catch {
            try? store.close()
            throw error
        }
        return SyncSystem(configuration: configuration, store: store, signal: signal, clock: options.clock, backfilled: backfilled)
    }

    /// One ``Uplink`` per configured destination, each over its own libcurl handle and thread; batches are
    /// signed with `signer`, or with the key of `sync.signing_key` when one is configured.
    public func uplinks(signer: BatchSigner? = nil) throws -> [Uplink] {
        let signer = try signer ?? configuration.signingKeyFile.map(BatchSigner.load(path:))
        return try configuration.destinations.map { destination in
            Uplink(system: self, destination: destination, transport: try CurlTransport(destination, applianceId: configuration.applianceId),
                   signer: signer)
        }
    }

    /// Every long-running part, for the daemon's ServiceGroup: the uplinks, the disk-pressure monitor and
    /// the hourly pruning of acknowledged outbox rows older than `sync.outbox_retention_days`.
    public func services(signer: BatchSigner? = nil) throws -> [any Service] {
        var services: [any Service] = try uplinks(signer: signer)
        services.append(DiskPressureService(pressure: diskPressure, database: store.database))
        services.append(OutboxPruneService(outbox: outbox, retentionDays: configuration.outboxRetentionDays))
        return services
    }

    /// The queue status of every destination.
    public func status() async throws -> [DestinationStatus] {
        try await outbox.status(configured: configuration.destinations.map(\.name))
    }
}
