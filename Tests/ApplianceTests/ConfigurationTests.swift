import Feed
import Foundation
import ReaderTransport
import Sync
import Testing
import Watchlist
import WebAPI

@testable import Appliance

/// The repository's root (Tests/ApplianceTests/… → ../..).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh temporary directory.
func makeTemporaryDirectory(_ name: String = "config") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Parses `yaml`, expecting it to be refused; returns the error.
func refusal(_ yaml: String) throws -> ConfigurationError {
    do {
        _ = try RenfangConfiguration.parse(yaml: yaml, file: "test.yaml")
    } catch {
        return error
    }
    Issue.record("the configuration was accepted")
    throw CancellationError()
}

@Suite("Configuration: defaults, types and values")
struct ConfigurationTests {
    @Test("etc/renfang.yaml, an empty file and no sections at all give the same defaults")
    func defaults() throws {
        let file = try RenfangConfiguration.load(path: repositoryRoot.appendingPathComponent("etc/renfang.yaml").path)
        let empty = try RenfangConfiguration.parse(yaml: "")
        let comments = try RenfangConfiguration.parse(yaml: "# nothing here\n")
        let defaults = RenfangConfiguration()
        #expect(file == defaults)
        #expect(empty == defaults)
        #expect(comments == defaults)
        #expect(defaults.dataDirectory == "/var/lib/renfang")
        #expect(defaults.databasePath == "/var/lib/renfang/register.sqlite")
        #expect(defaults.watchlistDirectory == "/var/lib/renfang/watchlists")
        #expect(defaults.keyFile == "/etc/renfang/keys/data.key")
        #expect(defaults.http.port == 8080 && defaults.http.bind == "127.0.0.1" && !defaults.http.usesSecureCookies)
        #expect(defaults.feed.publicServer.path == "/run/renfang/feed.sock" && defaults.feed.publicServer.mode == 0o660)
        #expect(defaults.feed.publicServer.group == "renfang-feed" && defaults.feed.publicServer.audience == .public)
        #expect(defaults.feed.restrictedServer.path == "/run/renfang/alert.sock" && defaults.feed.restrictedServer.audience == .restricted)
        #expect(defaults.feed.publicServer.heartbeat == .seconds(15))
        #expect(defaults.sync.destinations.isEmpty && defaults.sync.priorityKinds == ["alert"])
        #expect(defaults.sync.diskReserveBytes == 512 << 20 && defaults.sync.diskFloorBytes == 64 << 20)
        #expect(defaults.readers.discoveryOptions.usb && defaults.readers.discoveryOptions.pcsc && defaults.readers.discoveryOptions.serialByUdev)
        #expect(defaults.readers.discoveryOptions.knownReaders == USBKnownReaders.builtIn)
        #expect(defaults.logging.level == .info)
        #expect(defaults.retention == RetentionConfiguration())
        #expect(defaults.webAPIOptions().sessionLifetime == .seconds(1800))
        #expect(defaults.webAPIOptions().maxUploadBytes == 64 << 20)
        #expect(defaults.http.pagesDirectory == "/usr/share/renfang/web")
        #expect(defaults.webAPIOptions().pagesDirectory?.path == "/usr/share/renfang/web")
    }

    @Test("every key of a full file becomes its typed value")
    func fullFile() throws {
        let fixture = try ConfigurationFixture()
        let c = try RenfangConfiguration.parse(yaml: fixture.yaml)
        #expect(c.applianceId == "RF-0001")
        #expect(c.dataDirectory == fixture.directory.path + "/data")
        #expect(c.databasePath == fixture.directory.path + "/data/register.sqlite")
        #expect(c.keyFile == fixture.directory.path + "/keys/data.key")
        #expect(c.readers.devices == [.serial(path: "/dev/ttyUSB0"), .usb(vendorID: 0x0400, productID: 0xC35A, location: "1-2"), .pcsc(readerName: "ACS ACR122U")])
        let discovery = c.readers.discoveryOptions
        #expect(!discovery.serialByUdev && !discovery.usb && !discovery.pcsc)
        #expect(discovery.serialGlobs == ["/dev/ttyS*"])
        #expect(discovery.pcscPattern == "*ACR*")
        #expect(discovery.knownReaders.entry(for: VIDPID(0x1234, 0x5678))?.kind == .standardSinglePipe)
        #expect(c.readers.sessionConfiguration.readFingerprints && !c.readers.sessionConfiguration.readAppendedAddress)
        let kiosk = try #require(c.readers.kiosks.first)
        #expect(kiosk.device == "lobby" && kiosk.reader == "serial:/dev/ttyUSB0")
        #expect(kiosk.xiaoqus == [UUID(uuidString: "6F1C2E0A-3B7D-4C1E-9A55-0D2B8F9E4A11")!])
        #expect(kiosk.allowedAddresses == ["192.168.1.20"])

        let destination = try #require(c.sync.destinations.first)
        #expect(c.sync.applianceId == "RF-0001")
        #expect(c.sync.priorityKinds == ["alert", "person"])
        #expect(c.sync.signingKeyFile == fixture.file("signing.key"))
        #expect(destination.name == "bureau" && destination.url == "https://fenju.example/renfang")
        #expect(destination.kinds == ["person", "alert"] && destination.batchSize == 100 && destination.inFlight == 3)
        #expect(destination.tls.caFile == fixture.file("ca.pem") && destination.tls.clientCertificate == fixture.file("client.pem"))
        #expect(destination.tls.clientKey == fixture.file("client.key") && destination.tls.pinnedPublicKey == "sha256//AAAA")
        #expect(destination.proxy == "socks5h://proxy:1080" && destination.bearerToken == "secret")
        #expect(destination.connectTimeout == 5 && destination.requestTimeout == 30)
        #expect(destination.retry == RetryPolicy(initialDelay: 2, maximumDelay: 120, multiplier: 3, jitter: 0.1, maximumRetryAfter: 600))
        #expect(destination.idlePollInterval == 2 && destination.inboxInterval == 0 && destination.reconcileInterval == 7200)
        #expect(destination.linger == 0.05)
        #expect(c.sync.diskReserveBytes == 1 << 30 && c.sync.diskFloorBytes == 128 << 20)
        #expect(c.disk.reserveBytes == 1 << 30 && c.disk.floorBytes == 128 << 20)

        #expect(c.watchlist.trustedKeysPath == fixture.file("issuers"))
        #expect(c.watchlist.dedupeWindow == .seconds(120))
        #expect(c.http.bind == "0.0.0.0" && c.http.port == 8443 && c.http.usesTLS)
        #expect(c.http.tlsCertificate == fixture.file("client.pem") && c.http.tlsKey == fixture.file("client.key"))
        #expect(c.http.secureCookies == true && c.http.sessionIdleSeconds == 600 && c.http.maxUploadBytes == 1 << 20)
        let options = c.webAPIOptions()
        #expect(options.secureCookies && options.sessionLifetime == .seconds(600) && options.maxUploadBytes == 1 << 20)
        #expect(options.kiosks == c.readers.kiosks)
        #expect(c.http.pagesDirectory == "/srv/renfang/web" && options.pagesDirectory?.path == "/srv/renfang/web")
        #expect(c.feed.publicServer.path == fixture.directory.path + "/run/feed.sock" && c.feed.publicServer.mode == 0o666)
        #expect(c.feed.publicServer.group == nil)
        #expect(c.feed.restrictedServer.path == fixture.directory.path + "/run/alert.sock" && c.feed.restrictedServer.mode == 0o600)
        #expect(c.feed.restrictedServer.group == "police" && c.feed.restrictedServer.heartbeat == .seconds(5))
        #expect(c.banner.welcome == "欢迎来到安慧里社区" && c.banner.notices == ["今晚停水", "核酸检测"] && !c.banner.showDate)
        #expect(c.banner.data().date.isEmpty && c.banner.data().welcome == "欢迎来到安慧里社区")
        #expect(c.retention.acknowledgedOutboxDays == 7 && c.retention.cardReadDays == 90 && c.retention.sessionDays == 3)
        #expect(c.logging.level == .debug)
    }

    @Test("the sync section reads exactly as the Sync module's own decoder reads it")
    func syncMatchesSyncDecoder() throws {
        let fixture = try ConfigurationFixture()
        let ours = try RenfangConfiguration.parse(yaml: fixture.yaml).sync
        // YAML is a superset of JSON: the fixture's sync section is JSON, decoded here by Sync's Codable.
        let theirs = try JSONDecoder().decode(SyncConfiguration.self, from: Data(fixture.syncJSON.utf8))
        #expect(ours == theirs)
    }

    @Test("the banner shows today's date Chinese style")
    func bannerDate() throws {
        let c = try RenfangConfiguration.parse(yaml: "banner: {welcome: 你好, notices: [停电]}")
        let date = try #require(ISO8601DateFormatter().date(from: "2025-06-15T02:00:00Z"))
        #expect(c.banner.data(at: date) == BannerData(welcome: "你好", date: "2025年6月15日 星期日", notices: ["停电"]))
    }

    @Test("secure cookies: auto follows TLS, an explicit value wins")
    func secureCookies() throws {
        let fixture = try ConfigurationFixture()
        let tls = "http: {tls_certificate: \(fixture.file("client.pem")), tls_key: \(fixture.file("client.key"))"
        #expect(try RenfangConfiguration.parse(yaml: tls + "}").http.usesSecureCookies)
        #expect(try RenfangConfiguration.parse(yaml: tls + ", secure_cookies: auto}").http.usesSecureCookies)
        #expect(try !RenfangConfiguration.parse(yaml: tls + ", secure_cookies: false}").http.usesSecureCookies)
        #expect(try RenfangConfiguration.parse(yaml: "http: {secure_cookies: true}").http.usesSecureCookies)
        #expect(try !RenfangConfiguration.parse(yaml: "http: {secure_cookies: auto}").http.usesSecureCookies)
    }

    @Test("loading reads the file only: no data directory, register or key is created, valid or not")
    func loadingTouchesNothing() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path, key = directory.appendingPathComponent("keys/data.key").path
        let file = directory.appendingPathComponent("renfang.yaml")
        try "data_dir: \(data)\nkey_file: \(key)\n".write(to: file, atomically: true, encoding: .utf8)
        let c = try RenfangConfiguration.load(path: file.path)
        #expect(c.databasePath == data + "/register.sqlite")
        try "data_dir: \(data)\nkey_file: \(key)\nhttp: {port: 0}\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try RenfangConfiguration.load(path: file.path) }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left == ["renfang.yaml"])
    }
}

/// A full configuration in which every key is set to something other than its default, with the files
/// it names created in a temporary directory.
struct ConfigurationFixture {
    let directory: URL

    init() throws {
        directory = try makeTemporaryDirectory("fixture")
        for name in ["ca.pem", "client.pem", "client.key", "signing.key"] {
            try "x".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("issuers"), withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    var syncJSON: String {
        """
        {"appliance_id": "RF-0001", "priority_kinds": ["alert", "person"], "signing_key": "\(file("signing.key"))",
         "disk_reserve_bytes": 1073741824, "disk_floor_bytes": 134217728,
         "destinations": [{"name": "bureau", "url": "https://fenju.example/renfang", "kinds": ["person", "alert"],
           "batch_size": 100, "in_flight": 3,
           "tls": {"ca_file": "\(file("ca.pem"))", "client_certificate": "\(file("client.pem"))",
                   "client_key": "\(file("client.key"))", "pinned_public_key": "sha256//AAAA"},
           "proxy": "socks5h://proxy:1080", "bearer_token": "secret", "connect_timeout": 5, "request_timeout": 30,
           "retry": {"initial_delay": 2, "maximum_delay": 120, "multiplier": 3, "jitter": 0.1, "maximum_retry_after": 600},
           "idle_poll_interval": 2, "inbox_interval": 0, "reconcile_interval": 7200, "linger": 0.05}]}
        """
    }

    var yaml: String {
        """
        appliance_id: RF-0001
        data_dir: \(directory.path)/data
        key_file: \(directory.path)/keys/data.key
        readers:
          devices: [serial:/dev/ttyUSB0, "usb:0400:c35a@1-2", "pcsc:ACS ACR122U"]
          serial_udev: false
          tty_globs: ["/dev/ttyS*"]
          usb: false
          pcsc: false
          pcsc_glob: "*ACR*"
          default_xiaoqu: 6f1c2e0a-3b7d-4c1e-9a55-0d2b8f9e4a12
          extra_usb_ids: ["1234:5678 single-pipe Some reader"]
          read_fingerprints: true
          read_appended_address: false
          kiosks:
            - device: lobby
              reader: serial:/dev/ttyUSB0
              xiaoqus: [6f1c2e0a-3b7d-4c1e-9a55-0d2b8f9e4a11]
              allowed_addresses: [192.168.1.20]
        sync: \(syncJSON)
        watchlist:
          trusted_keys: \(file("issuers"))
          dedupe_window: 120
        http:
          bind: 0.0.0.0
          port: 8443
          tls_certificate: \(file("client.pem"))
          tls_key: \(file("client.key"))
          secure_cookies: true
          session_idle: 600
          max_upload_bytes: 1048576
          pages_dir: /srv/renfang/web
        feed:
          public: {path: \(directory.path)/run/feed.sock, mode: 0666, group: ""}
          restricted: {path: \(directory.path)/run/alert.sock, mode: "0600", group: police}
          heartbeat: 5
        banner:
          welcome: 欢迎来到安慧里社区
          notices: [今晚停水, 核酸检测]
          show_date: false
        retention:
          acknowledged_outbox_days: 7
          card_read_days: 90
          session_days: 3
        disk:
          reserve_bytes: 1073741824
          floor_bytes: 134217728
        logging:
          level: debug
        """
    }

    @Test("trusted issuer keys: a missing path or an empty directory means none yet; a key file is read; a file without a key is an error")
    func trustedKeys() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rf-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var watchlist = WatchlistConfiguration()
        watchlist.trustedKeysPath = root.appendingPathComponent("missing").path
        #expect(try watchlist.loadTrustedKeys() == nil)
        watchlist.trustedKeysPath = root.path
        #expect(try watchlist.loadTrustedKeys() == nil, "an empty directory: no issuer yet, the daemon still starts")
        let key = IssuerKey(issuer: "测试分局")
        try Data(key.publicFileText.utf8).write(to: root.appendingPathComponent("bureau.pub"))
        #expect(try watchlist.loadTrustedKeys()?.contains(Array(key.publicKey)) == true)
        let garbage = root.appendingPathComponent("garbage.pub")
        try Data("not a key\n".utf8).write(to: garbage)
        watchlist.trustedKeysPath = garbage.path
        #expect(throws: WatchlistError.self) { try watchlist.loadTrustedKeys() }
    }
}
