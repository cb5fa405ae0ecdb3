import Feed
import Foundation
import Logging
import ReaderTransport
import SAMProtocol
import Sync
import Watchlist
import WebAPI

/// renfangd's configuration: `/etc/renfang/renfang.yaml` (README, "Configuration", documents every key).
///
/// Every key has a default; an unknown key, a value of the wrong type or out of range, a relative path,
/// or a file that must exist and does not, refuses the whole file with **all** its problems
/// (``ConfigurationError``), each naming its key path. Loading reads the file and looks at the files it
/// names, nothing else: no stored data is opened, created or changed.
///
/// The typed values are ready for the modules: ``ReadersConfiguration/discoveryOptions`` and
/// ``ReadersConfiguration/sessionConfiguration`` for the reader manager, ``sync`` for `SyncSystem`,
/// ``FeedConfiguration/publicServer`` and ``FeedConfiguration/restrictedServer`` for `FeedServer`,
/// ``webAPIOptions(trustedKeys:)`` for the HTTP API, ``LoggingConfiguration/level`` for swift-log.
public struct RenfangConfiguration: Sendable, Hashable {
    /// Where renfangd looks when `--config` is not given.
    public static let defaultPath = "/etc/renfang/renfang.yaml"

    /// This appliance's id at the upstream servers (`appliance_id`, default empty; required when
    /// `sync.destinations` is not empty). Also `sync.applianceId`.
    public var applianceId: String
    /// The data directory (`data_dir`, default `/var/lib/renfang`): the register and the watchlists.
    public var dataDirectory: String
    /// The register's data key file (`key_file`, default `/etc/renfang/keys/data.key`, created 0600 on
    /// first start).
    public var keyFile: String
    /// Readers and kiosks (`readers`).
    public var readers: ReadersConfiguration
    /// The sync queue (`sync`), in the Sync module's own type; its `applianceId`, `diskReserveBytes` and
    /// `diskFloorBytes` are filled from `appliance_id` and `disk`.
    public var sync: SyncConfiguration
    /// The watchlist (`watchlist`).
    public var watchlist: WatchlistConfiguration
    /// The HTTP server (`http`).
    public var http: HTTPConfiguration
    /// The local feed sockets (`feed`).
    public var feed: FeedConfiguration
    /// The banner text (`banner`).
    public var banner: BannerConfiguration
    /// How long what is kept (`retention`).
    public var retention: RetentionConfiguration
    /// Free-space rules (`disk`).
    public var disk: DiskConfiguration
    /// Logging (`logging`).
    public var logging: LoggingConfiguration

    /// The defaults: what an empty file gives.
    public init() {
        applianceId = ""
        dataDirectory = "/var/lib/renfang"
        keyFile = "/etc/renfang/keys/data.key"
        readers = ReadersConfiguration()
        sync = SyncConfiguration(applianceId: "", destinations: [])
        watchlist = WatchlistConfiguration()
        http = HTTPConfiguration()
        feed = FeedConfiguration()
        banner = BannerConfiguration()
        retention = RetentionConfiguration()
        disk = DiskConfiguration()
        logging = LoggingConfiguration()
    }

    /// The register database: `<data_dir>/register.sqlite`.
    public var databasePath: String { dataDirectory + "/register.sqlite" }

    /// The watchlist state files: `<data_dir>/watchlists`.
    public var watchlistDirectory: String { dataDirectory + "/watchlists" }

    /// The HTTP API's options: sessions, cookies, kiosks, upload limit, and the watchlist issuers' keys
    /// (load them with ``WatchlistConfiguration/loadTrustedKeys()``).
    public func webAPIOptions(trustedKeys: TrustedKeys? = nil) -> WebAPIOptions {
        var options = WebAPIOptions()
        options.sessionLifetime = .seconds(http.sessionIdleSeconds)
        options.secureCookies = http.usesSecureCookies
        options.kiosks = readers.kiosks
        options.maxUploadBytes = http.maxUploadBytes
        options.pagesDirectory = URL(fileURLWithPath: http.pagesDirectory, isDirectory: true)
        options.trustedWatchlistKeys = trustedKeys
        return options
    }
}

/// `readers:` — which readers run, and the kiosks bound to them.
public struct ReadersConfiguration: Sendable, Hashable {
    /// Readers that always run (`devices`, default none): `serial:/dev/ttyUSB0`, `/dev/renfang/tty-…`,
    /// `usb:0400:c35a[@BUS-PORT]`, `pcsc:NAME`, `sim:NAME`.
    public var devices: [DeviceName] = []
    /// Find ttys of known USB-serial bridges through udev (`serial_udev`, default true).
    public var serialByUdev = true
    /// tty globs probed with `11 FF` (`tty_globs`, default none), e.g. `/dev/ttyS*`.
    public var ttyGlobs: [String] = []
    /// Find raw USB readers of the known table (`usb`, default true).
    public var usb = true
    /// Find PC/SC readers through pcscd (`pcsc`, default true).
    public var pcsc = true
    /// Only PC/SC readers whose name matches this glob (`pcsc_glob`, default all).
    public var pcscGlob: String?
    /// The 小区 whose alerts non-kiosk readers raise (`readers.default_xiaoqu`); nil: the register's only 小区.
    public var defaultXiaoqu: UUID?
    /// Extra known USB devices (`extra_usb_ids`: `"VID:PID KIND [MODEL]"`), in front of the built-in table.
    public var extraUSB: [USBKnownReader] = []
    /// Read fingerprints too (`read_fingerprints`, default false).
    public var readFingerprints = false
    /// Ask for the appended address (`read_appended_address`, default true).
    public var readAppendedAddress = true
    /// Kiosks (`kiosks`): a device, the reader it uses, its 小区 and client addresses.
    public var kiosks: [KioskBinding] = []

    /// The defaults.
    public init() {}

    /// The discovery options for the reader manager.
    public var discoveryOptions: ReaderDiscoveryOptions {
        var options = ReaderDiscoveryOptions()
        options.devices = devices
        options.serialByUdev = serialByUdev
        options.knownReaders = USBKnownReaders.builtIn.with(extra: extraUSB)
        options.serialGlobs = ttyGlobs
        options.usb = usb
        options.pcsc = pcsc
        options.pcscPattern = pcscGlob
        return options
    }

    /// The reader session settings (timeouts keep their protocol defaults).
    public var sessionConfiguration: ReaderSessionConfiguration {
        var session = ReaderSessionConfiguration()
        session.readFingerprints = readFingerprints
        session.readAppendedAddress = readAppendedAddress
        return session
    }
}

/// `watchlist:` — whose bundles are accepted, and how alerts repeat.
public struct WatchlistConfiguration: Sendable, Hashable {
    /// The issuers' public keys: one `.pub` file or a directory of them (`trusted_keys`, default
    /// `/etc/renfang/watchlist-issuers`). While it does not exist no bundle can be imported.
    public var trustedKeysPath = "/etc/renfang/watchlist-issuers"
    /// A second hit on the same person at the same device within this many seconds raises no new alert
    /// (`dedupe_window`, default 600).
    public var dedupeWindowSeconds = 600

    /// The defaults.
    public init() {}

    /// The dedupe window as a duration.
    public var dedupeWindow: Duration { .seconds(dedupeWindowSeconds) }

    /// The trusted keys, or nil when ``trustedKeysPath`` does not exist or is a directory without any key
    /// yet (imports are then refused; the operator adds the issuers' `.pub` files later). Throws when the
    /// path is a file that holds no usable key.
    public func loadTrustedKeys() throws -> TrustedKeys? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: trustedKeysPath, isDirectory: &isDirectory) else { return nil }
        do {
            return try TrustedKeys(path: trustedKeysPath)
        } catch let error as WatchlistError where isDirectory.boolValue && error.code == .badKey {
            return nil
        }
    }
}

/// `http:` — the HTTP server of the pages and /api/v1.
public struct HTTPConfiguration: Sendable, Hashable {
    /// The address to listen on (`bind`, default `127.0.0.1`; `0.0.0.0` or `::` for the network).
    public var bind = "127.0.0.1"
    /// The TCP port (`port`, default 8080).
    public var port = 8080
    /// PEM certificate chain for HTTPS (`tls_certificate`, default none: plain HTTP).
    public var tlsCertificate: String?
    /// Its private key (`tls_key`; both or neither).
    public var tlsKey: String?
    /// Secure cookies (`secure_cookies`): nil (`auto`, the default) follows whether TLS is configured.
    public var secureCookies: Bool?
    /// Idle lifetime of a session in seconds (`session_idle`, default 1800).
    public var sessionIdleSeconds = 1800
    /// Largest upload in bytes (`max_upload_bytes`, default 64 MiB).
    public var maxUploadBytes = 64 << 20
    /// Folder of the pages (`pages_dir`, default `/usr/share/renfang/web`, where `make install` puts `web/`):
    /// `/kiosk/`, `/desk/`, `/police/`, `/screen/`, `/common/`. A missing folder only logs a warning.
    public var pagesDirectory = "/usr/share/renfang/web"

    /// The defaults.
    public init() {}

    /// Whether TLS is configured.
    public var usesTLS: Bool { tlsCertificate != nil && tlsKey != nil }

    /// Whether cookies carry `Secure`.
    public var usesSecureCookies: Bool { secureCookies ?? usesTLS }
}

/// `feed:` — the two Unix sockets of protocol-docs/feed-protocol.md.
public struct FeedConfiguration: Sendable, Hashable {
    /// One socket.
    public struct Socket: Sendable, Hashable {
        /// Absolute path of the socket file.
        public var path: String
        /// File mode (octal in the file).
        public var mode: mode_t
        /// The group given the socket (nil: the daemon's own).
        public var group: String?

        /// A socket.
        public init(path: String, mode: mode_t = 0o660, group: String? = nil) {
            self.path = path
            self.mode = mode
            self.group = group
        }
    }

    /// The public socket (`feed.public`, default `/run/renfang/feed.sock`, 0660, group `renfang-feed`).
    public var publicSocket = Socket(path: "/run/renfang/feed.sock", mode: 0o660, group: "renfang-feed")
    /// The alert socket (`feed.restricted`, default `/run/renfang/alert.sock`, 0660, group `renfang-alert`).
    public var restrictedSocket = Socket(path: "/run/renfang/alert.sock", mode: 0o660, group: "renfang-alert")
    /// Seconds between heartbeat lines (`feed.heartbeat`, default 15).
    public var heartbeatSeconds = 15

    /// The defaults.
    public init() {}

    /// The public socket's server configuration.
    public var publicServer: FeedServer.Configuration {
        FeedServer.Configuration(path: publicSocket.path, audience: .public, mode: publicSocket.mode, group: publicSocket.group,
                                 heartbeat: .seconds(heartbeatSeconds))
    }

    /// The alert socket's server configuration.
    public var restrictedServer: FeedServer.Configuration {
        FeedServer.Configuration(path: restrictedSocket.path, audience: .restricted, mode: restrictedSocket.mode,
                                 group: restrictedSocket.group, heartbeat: .seconds(heartbeatSeconds))
    }
}

/// `banner:` — the text on LED signs and big screens.
public struct BannerConfiguration: Sendable, Hashable {
    /// The welcome line (`welcome`, default `欢迎光临`).
    public var welcome = "欢迎光临"
    /// Public notices, newest first (`notices`, default none).
    public var notices: [String] = []
    /// Whether today's date is shown (`show_date`, default true).
    public var showDate = true

    /// The defaults.
    public init() {}

    /// The banner for `now` (date Chinese style in Asia/Shanghai: `2025年6月15日 星期日`; empty when hidden).
    public func data(at now: Date = Date(), timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current) -> BannerData {
        guard showDate else { return BannerData(welcome: welcome, date: "", notices: notices) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .weekday], from: now)
        let weekdays = ["日", "一", "二", "三", "四", "五", "六"]
        let date = "\(c.year ?? 0)年\(c.month ?? 0)月\(c.day ?? 0)日 星期\(weekdays[((c.weekday ?? 1) - 1) % 7])"
        return BannerData(welcome: welcome, date: date, notices: notices)
    }
}

/// `retention:` — how many days what is kept. The audit log is never pruned.
public struct RetentionConfiguration: Sendable, Hashable {
    /// Outbox rows acknowledged by every destination (`acknowledged_outbox_days`, default 30).
    public var acknowledgedOutboxDays = 30
    /// Card-read history (`card_read_days`, default 180).
    public var cardReadDays = 180
    /// Ended and expired sessions (`session_days`, default 30).
    public var sessionDays = 30

    /// The defaults.
    public init() {}
}

/// `disk:` — free space on the data file system.
public struct DiskConfiguration: Sendable, Hashable {
    /// Below this many free bytes photos and fingerprints are refused (`reserve_bytes`, default 512 MiB).
    public var reserveBytes: Int64 = 512 << 20
    /// Below this many free bytes new records are refused too (`floor_bytes`, default 64 MiB).
    public var floorBytes: Int64 = 64 << 20

    /// The defaults.
    public init() {}
}

/// `logging:` — what goes to the journal.
public struct LoggingConfiguration: Sendable, Hashable {
    /// The lowest level logged (`level`, default `info`).
    public var level: Logger.Level = .info

    /// The defaults.
    public init() {}
}
