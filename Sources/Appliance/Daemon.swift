import Accounts
import Feed
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import IDCard
import Logging
import NIOSSL
import Prometheus
import ReaderTransport
import Registry
import SAMProtocol
import ServiceLifecycle
import Sync
import Synchronization
import Watchlist
import WebAPI

/// The appliance: every part of renfangd, opened from a validated ``RenfangConfiguration``, and run as one
/// ServiceGroup of named services (uplinks and disk pressure, feed sockets, maintenance, readers, HTTP,
/// systemd notifier). SIGTERM drains: HTTP stops taking requests, the readers stop and the reads they
/// already took are recorded, the uplinks finish their batch, then the register closes.
public final class Daemon: Sendable {
    /// The configuration in force.
    public let configuration: RenfangConfiguration
    /// The register (opened with the sync queue's outbox sink when destinations are configured).
    public let register: RegisterStore
    /// The sync queue, when destinations are configured.
    public let sync: SyncSystem?
    /// Operator accounts and sessions.
    public let accounts: AccountStore
    /// The watchlist state files and the matcher.
    public let watchlistStore: WatchlistStore
    /// The matcher.
    public let checker: WatchlistChecker
    /// The in-process event bus.
    public let bus: EventBus
    /// The last card of each reader (kiosk, desk).
    public let cards: CardBoard
    /// The intake pipeline.
    public let pipeline: IntakePipeline
    /// The reader service.
    public let readers: ReaderService
    /// The systemd notifier.
    public let notifier: SystemdNotifier
    let prometheus: PrometheusCollectorRegistry?
    let places: PlaceResolver
    let logger: Logger
    /// Asks for a fresh occupancy on the feed (after a card read or a write through the API); the
    /// maintenance service publishes it, at most one refresh at a time.
    let occupancyRequests = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    private let bound = Mutex<Int?>(nil)

    /// Opens everything the configuration names. Nothing is started; stored data is only migrated
    /// forward. `readerSources` replaces discovery (tests, the demo's emulator); `prometheus` is the
    /// registry the process bootstrapped swift-metrics with.
    public init(configuration: RenfangConfiguration, readerSources: [any ReaderSource]? = nil,
                prometheus: PrometheusCollectorRegistry? = nil, environment: SystemdNotifier.Environment = .init(),
                logger: Logger = Logger(label: "renfangd")) throws {
        self.configuration = configuration
        self.logger = logger
        self.prometheus = prometheus
        let notifier = SystemdNotifier(environment: environment)
        self.notifier = notifier
        let fm = FileManager.default
        try fm.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        try fm.createDirectory(atPath: (configuration.keyFile as NSString).deletingLastPathComponent,
                               withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if configuration.sync.destinations.isEmpty {
            sync = nil
            register = try RegisterStore.open(path: configuration.databasePath, keyFile: configuration.keyFile)
            // No destination any more: the register's other writers (renfang import …) stop queueing too.
            try SyncRouting.store(nil, in: register.database)
        } else {
            var syncConfiguration = configuration.sync
            syncConfiguration.applianceId = configuration.applianceId
            syncConfiguration.outboxRetentionDays = configuration.retention.acknowledgedOutboxDays
            // The backfill of a new destination queues every record of the register before READY=1: as
            // long as it progresses, systemd is asked for more time (at most every 5 s, 60 s each).
            var lastExtended = ContinuousClock.now - .seconds(5)
            let system = try SyncSystem.open(registerPath: configuration.databasePath, keyFile: configuration.keyFile,
                                             configuration: syncConfiguration) { queued in
                guard ContinuousClock.now - lastExtended >= .seconds(5) else { return }
                lastExtended = .now
                notifier.extendStartTimeout(by: 60, status: "正在将登记库中已有的记录补传到新的上级平台（已排队 \(queued) 条）")
                logger.info("backfill of a new destination", metadata: ["queued": "\(queued)"])
            }
            sync = system
            register = system.store
            for (destination, count) in system.backfilled.sorted(by: { $0.key < $1.key }) where count > 0 {
                logger.notice("records already in the register queued for a new destination",
                              metadata: ["destination": "\(destination)", "records": "\(count)"])
            }
        }
        // Checkpoints run in the maintenance service, not inside a commit.
        try register.deferCheckpoints()
        accounts = try AccountStore(register: register)
        try fm.createDirectory(atPath: configuration.watchlistDirectory, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        watchlistStore = try WatchlistStore(directory: URL(fileURLWithPath: configuration.watchlistDirectory))
        checker = try WatchlistChecker(store: watchlistStore)
        for problem in checker.problems {
            logger.error("watchlist list not loaded", metadata: ["error": "\(problem)"])
        }
        bus = EventBus()
        cards = CardBoard()
        places = PlaceResolver(register: register, kiosks: configuration.readers.kiosks,
                               defaultXiaoqu: configuration.readers.defaultXiaoqu)
        let places = self.places
        pipeline = IntakePipeline(register: register, checker: checker, bus: bus, cards: cards,
                                  alertWindow: TimeInterval(configuration.watchlist.dedupeWindowSeconds),
                                  logger: Logger(label: "renfang.intake")) { device in
            await places.placement(of: device)
        }
        let sources = readerSources ?? configuration.readers.discoveryOptions.sources(
            session: configuration.readers.sessionConfiguration, logger: Logger(label: "renfang.readers"))
        readers = ReaderService(manager: ReaderManager(sources: sources), pipeline: pipeline, bus: bus)
    }

    /// The HTTP port once the server listens (the configured one, or the kernel's pick for port 0).
    public var httpPort: Int? { bound.withLock { $0 } }

    /// The API's services.
    public func webServices() throws -> WebAPIServices {
        var services = WebAPIServices(
            register: register, accounts: accounts, sync: sync, watchlistStore: watchlistStore,
            watchlistChecker: checker, bus: bus, readers: readers, prometheus: prometheus,
            options: configuration.webAPIOptions(trustedKeys: try configuration.watchlist.loadTrustedKeys()), cards: cards)
        let requests = occupancyRequests.continuation
        services.registerChanged = { requests.yield() }
        return services
    }

    /// Every service, in start order (graceful shutdown runs in reverse: HTTP first, the uplinks last).
    public func services(onReady: @escaping @Sendable () async -> Void = {}) throws -> [any Service] {
        var services: [any Service] = []
        if let sync { services += try sync.services() }
        let feed = configuration.feed
        services.append(FeedServer(configuration: feed.publicServer, bus: bus))
        services.append(FeedServer(configuration: feed.restrictedServer, bus: bus))
        services.append(MaintenanceService(daemon: self))
        services.append(readers)
        services.append(try httpApplication(onReady: onReady))
        services.append(notifier)
        return services
    }

    /// Runs every service until SIGTERM/SIGINT (or cancellation), then drains them.
    public func run(onReady: @escaping @Sendable () async -> Void = {}) async throws {
        let group = ServiceGroup(configuration: .init(
            services: try services(onReady: onReady).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        try await group.run()
        try? register.close()
    }

    func httpApplication(onReady: @escaping @Sendable () async -> Void) throws -> some Service {
        let router = WebAPI.router(try webServices())
        let http = configuration.http
        if !WebAPI.pagesPresent(in: URL(fileURLWithPath: http.pagesDirectory, isDirectory: true)) {
            logger.warning("pages not found: /kiosk/ /desk/ /police/ /screen/ answer 404, the API keeps working",
                           metadata: ["http.pages_dir": "\(http.pagesDirectory)"])
        }
        let server: HTTPServerBuilder
        if let certificate = http.tlsCertificate, let key = http.tlsKey {
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            server = try .tls(.http1(), tlsConfiguration: tls)
        } else {
            server = .http1()
        }
        let feedPaths = [configuration.feed.publicSocket.path, configuration.feed.restrictedSocket.path]
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname(http.bind, port: http.port), serverName: "renfangd"),
            onServerRunning: { [self] channel in
                bound.withLock { $0 = channel.localAddress?.port }
                // The feed sockets bind beside the HTTP server: wait (briefly) until they are in place.
                for _ in 0..<100 where !feedPaths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                await publishBanner()
                await publishOccupancy()
                notifier.ready(status: "就绪：HTTP \(http.bind):\(channel.localAddress?.port ?? http.port)")
                logger.notice("renfangd ready", metadata: ["http": "\(http.bind):\(channel.localAddress?.port ?? http.port)"])
                await onReady()
            },
            logger: Logger(label: "renfang.http"))
    }

    /// Publishes the banner (retained) on the bus: the configured notices, then the public notices received
    /// from the upstream servers (last 30 days, newest first, `标题：正文`).
    func publishBanner() async {
        var data = configuration.banner.data()
        if let notices = try? await register.publicNotices() {
            data.notices = notices.map { $0.text.isEmpty ? $0.title : "\($0.title)：\($0.text)" } + data.notices
        }
        if let event = try? FeedEvent(topic: .banner, type: "banner.changed", data: data) {
            bus.publish(event)
        }
    }

    /// Publishes occupancy per 小区 (retained): counts only.
    func publishOccupancy() async {
        do {
            let data = try await places.occupancy()
            if let event = try? FeedEvent(topic: .occupancy, type: "occupancy.changed", data: data) {
                bus.publish(event)
            }
        } catch {
            logger.warning("occupancy not published", metadata: ["error": "\(error)"])
        }
    }
}
