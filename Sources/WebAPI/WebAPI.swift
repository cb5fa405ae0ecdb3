import Accounts
import Feed
import Foundation
import Hummingbird
import Prometheus
import Registry
import Sync
import Watchlist

/// What the API reads about the readers (the daemon's reader manager implements it).
public protocol ReaderStatusProvider: Sendable {
    /// Every known reader, configured or discovered, with its state.
    func readerStates() async -> [ReaderState]
}

/// One reader as the API shows it.
public struct ReaderState: Sendable, Hashable, Codable {
    /// Device name (`/dev/ttyUSB0`, `usb:1-2`, `pcsc:NAME`).
    public var name: String
    /// `serial`, `usb`, `pcsc`.
    public var transport: String
    /// `opening`, `ready`, `reading`, `waitingForRemoval`, `faulted`, `gone`.
    public var state: String
    /// The SAM id, when the reader reported one.
    public var samId: String?
    /// The last problem, as Chinese operator text.
    public var lastError: String?
    /// When a card was last read on it.
    public var lastReadAt: Date?
    /// Cards read since start.
    public var readCount: Int

    /// A reader state.
    public init(name: String, transport: String, state: String, samId: String? = nil, lastError: String? = nil,
                lastReadAt: Date? = nil, readCount: Int = 0) {
        self.name = name
        self.transport = transport
        self.state = state
        self.samId = samId
        self.lastError = lastError
        self.lastReadAt = lastReadAt
        self.readCount = readCount
    }
}

/// A kiosk: a reader whose cards may be used for self-service from one client address, in these 小区.
public struct KioskBinding: Sendable, Hashable {
    /// The kiosk's device name (register actor id `kiosk:NAME`).
    public var device: String
    /// The reader whose last card the kiosk may use.
    public var reader: String
    /// The 小区 whose houses it may register into.
    public var xiaoqus: Set<UUID>
    /// Client addresses the kiosk page is served to (default loopback only).
    public var allowedAddresses: Set<String>

    /// A kiosk binding.
    public init(device: String, reader: String, xiaoqus: Set<UUID>, allowedAddresses: Set<String> = ["127.0.0.1", "::1"]) {
        self.device = device
        self.reader = reader
        self.xiaoqus = xiaoqus
        self.allowedAddresses = allowedAddresses
    }
}

/// Settings of the API that come from the configuration file.
public struct WebAPIOptions: Sendable {
    /// Idle lifetime of a session.
    public var sessionLifetime: Duration = .seconds(30 * 60)
    /// Whether cookies carry `Secure` (when served over TLS).
    public var secureCookies = false
    /// The kiosks of this box.
    public var kiosks: [KioskBinding] = []
    /// Trusted issuer keys for watchlist bundles uploaded through the API.
    public var trustedWatchlistKeys: TrustedKeys?
    /// Folder of the pages (`kiosk/`, `desk/`, `police/`, `screen/`, `common/`), served at `/` (config
    /// `http.pages_dir`); `nil` serves none.
    public var pagesDirectory: URL?
    /// Largest accepted upload (imports, bundles), bytes.
    public var maxUploadBytes = 64 << 20
    /// How long a card stays usable after it was read (kiosk self-service, desk registration from the reader).
    public var cardFreshness: Duration = .seconds(120)
    /// Heartbeat comment interval of the server-sent event streams.
    public var eventHeartbeat: Duration = .seconds(15)

    /// Defaults.
    public init() {}
}

/// Everything the API talks to.
public struct WebAPIServices: Sendable {
    /// The register.
    public var register: RegisterStore
    /// Operator accounts and sessions.
    public var accounts: AccountStore
    /// The sync queue (status, redrive), if configured.
    public var sync: SyncSystem?
    /// The watchlist state files (status, import).
    public var watchlistStore: WatchlistStore?
    /// The matcher (reloaded after an import through the API).
    public var watchlistChecker: WatchlistChecker?
    /// The event bus (SSE).
    public var bus: EventBus
    /// The readers.
    public var readers: any ReaderStatusProvider
    /// Metrics registry rendered at /metrics.
    public var prometheus: PrometheusCollectorRegistry?
    /// Settings.
    public var options: WebAPIOptions
    /// The last card read on each reader (the intake pipeline posts every read), for the kiosk and the desk.
    public var cards: CardBoard
    /// Called after every successful write through the API (POST, PUT, PATCH, DELETE under /api/v1, not
    /// logins): the daemon refreshes the occupancy on the feed, so the big screen follows registrations.
    public var registerChanged: @Sendable () -> Void = {}

    /// The services.
    public init(register: RegisterStore, accounts: AccountStore, sync: SyncSystem? = nil, watchlistStore: WatchlistStore? = nil,
                watchlistChecker: WatchlistChecker? = nil, bus: EventBus, readers: any ReaderStatusProvider,
                prometheus: PrometheusCollectorRegistry? = nil, options: WebAPIOptions = WebAPIOptions(),
                cards: CardBoard = CardBoard()) {
        self.register = register
        self.accounts = accounts
        self.sync = sync
        self.watchlistStore = watchlistStore
        self.watchlistChecker = watchlistChecker
        self.bus = bus
        self.readers = readers
        self.prometheus = prometheus
        self.options = options
        self.cards = cards
    }
}

/// The HTTP API: one router for /api/v1 (and the pages, when configured).
public enum WebAPI {
    /// The router with every route of protocol-docs/openapi.yaml.
    public static func router(_ services: WebAPIServices) -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        addMiddleware(to: router, services)
        let api = router.group("api/v1")
        addAuthRoutes(to: api, services)
        addHealthRoutes(to: api, router: router, services)
        addDomainRoutes(to: api, services)
        return router
    }
}
