// swift-tools-version: 6.1
// renfang (人房): the software of a community population appliance. See README.md.
import PackageDescription

let package = Package(
    name: "renfang",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IDCard", targets: ["IDCard"]),
        .library(name: "SAMProtocol", targets: ["SAMProtocol"]),
        .library(name: "ReaderTransport", targets: ["ReaderTransport"]),
        .library(name: "ReaderSimulator", targets: ["ReaderSimulator"]),
        .library(name: "Dictionaries", targets: ["Dictionaries"]),
        .library(name: "Spreadsheet", targets: ["Spreadsheet"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "Watchlist", targets: ["Watchlist"]),
        .library(name: "SyncProtocol", targets: ["SyncProtocol"]),
        .library(name: "Sync", targets: ["Sync"]),
        .library(name: "UpstreamServer", targets: ["UpstreamServer"]),
        .library(name: "Feed", targets: ["Feed"]),
        .library(name: "Accounts", targets: ["Accounts"]),
        .library(name: "WebAPI", targets: ["WebAPI"]),
        .library(name: "Appliance", targets: ["Appliance"]),
        .executable(name: "renfangd", targets: ["renfangd"]),
        .executable(name: "renfang", targets: ["renfang"]),
        .executable(name: "renfang-upstream", targets: ["renfang-upstream"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // Pure values: the four card layouts, text-block decoding, ID-number rules, code tables. No I/O.
        .target(name: "IDCard"),
        // Pure: GA 467 frames, incremental decoder, commands, status words, the reader session state machine.
        .target(name: "SAMProtocol", dependencies: ["IDCard"]),
        // System libraries, wrapped for Swift (module.modulemap + shim.h, found with pkg-config).
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        .systemLibrary(name: "CUDev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // Byte transports (serial, USB bulk, PC/SC), discovery and hot-plug, and the runners that drive
        // SAMProtocol sessions over them.
        .target(
            name: "ReaderTransport",
            dependencies: [
                "SAMProtocol", "IDCard", "CLibUSB", "CPCSCLite", "CUDev",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The SAM side of GA 467 on a pty: card decks, synthetic people, place/remove, fault injection.
        .target(name: "ReaderSimulator", dependencies: ["SAMProtocol", "IDCard"]),
        // Pure: the code tables of every coded field (GB/T 2261, 3304, 4658, 4762, 4761, 31000 …) and
        // lookup by code, pinyin initials or characters.
        .target(name: "Dictionaries", dependencies: ["IDCard"]),
        // .xlsx and .csv reading and writing (rows of text), for imports and exports.
        .target(name: "Spreadsheet", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The 以房管人 register in SQLite: schema, operations, audit chain, queries, statistics, imports.
        .target(
            name: "Registry",
            dependencies: [
                "IDCard", "Dictionaries", "Spreadsheet", "SyncProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Pure: the wire types of protocol-docs/sync-protocol.md, canonical JSON, payload digests, batch
        // signatures (Ed25519), validation with stable codes. No I/O.
        .target(name: "SyncProtocol", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // libcurl for the uplink (module.modulemap + shim.h with typed setopt wrappers).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The appliance side of the sync queue: outbox (written in the register's transactions), uplink per
        // destination over libcurl, inbox, reconciliation, disk pressure, metrics.
        .target(
            name: "Sync",
            dependencies: [
                "IDCard", "Registry", "SyncProtocol", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Sealed watchlist bundles (scrypt-hardened tags, AES-GCM details, Ed25519 signatures): sealing,
        // verified atomic import, matching. protocol-docs/watchlist-bundle.md.
        .target(
            name: "Watchlist",
            dependencies: [
                "IDCard", "Spreadsheet",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The reference upstream server of the sync protocol (Hummingbird 2, TLS/mutual TLS, its own SQLite):
        // batches, dedup, gap detection, reconciliation, inbox, fault injection.
        .target(
            name: "UpstreamServer",
            dependencies: [
                "SyncProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // @main of the reference upstream server: serve, appliance add, push, fault, dump. Thin.
        .executableTarget(
            name: "renfang-upstream",
            dependencies: [
                "UpstreamServer", "SyncProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The in-process event bus and the local feed: NDJSON over Unix sockets for LED and big-screen
        // controllers (public topics) and for alert consumers (restricted socket).
        .target(
            name: "Feed",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Operator accounts in the register's database: scrypt password hashes, roles with their scope,
        // lock, login throttling, sessions with CSRF tokens.
        .target(
            name: "Accounts",
            dependencies: [
                "Registry",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP API under /api/v1 (Hummingbird): auth and roles, register operations, queries, statistics,
        // imports/exports, watchlist and alerts, queue, audit, SSE, health, metrics. protocol-docs/openapi.yaml.
        .target(
            name: "WebAPI",
            dependencies: [
                "Registry", "Accounts", "Watchlist", "Sync", "Feed", "IDCard", "Dictionaries", "Spreadsheet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The daemon's composition: configuration (YAML), the intake pipeline, the reader, reminder and
        // systemd-notify services, and the ServiceGroup that runs them with the uplinks, feed and HTTP.
        .target(
            name: "Appliance",
            dependencies: [
                "IDCard", "SAMProtocol", "ReaderTransport", "Registry", "Accounts", "Watchlist", "Sync", "Feed", "WebAPI",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // @main of the daemon: thin.
        .executableTarget(
            name: "renfangd",
            dependencies: [
                "Appliance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The admin CLI: read, decode, sim, import, export, stats, audit, users.
        .executableTarget(
            name: "renfang",
            dependencies: [
                "IDCard", "SAMProtocol", "ReaderTransport", "ReaderSimulator", "Registry", "Dictionaries", "Spreadsheet",
                "Watchlist", "Accounts",
                "Sync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "IDCardTests", dependencies: ["IDCard"]),
        .testTarget(name: "SAMProtocolTests", dependencies: ["SAMProtocol", "IDCard"]),
        .testTarget(name: "ReaderTransportTests", dependencies: ["ReaderTransport", "ReaderSimulator", "SAMProtocol", "IDCard"]),
        .testTarget(name: "ReaderSimulatorTests", dependencies: ["ReaderSimulator", "SAMProtocol", "IDCard"]),
        .testTarget(name: "DictionariesTests", dependencies: ["Dictionaries", "IDCard"]),
        .testTarget(name: "SpreadsheetTests", dependencies: ["Spreadsheet"]),
        .testTarget(name: "SyncProtocolTests", dependencies: ["SyncProtocol"]),
        // Real sockets: curl as the client, certificates from scripts/gen-test-certs; runs the built binary too.
        .testTarget(name: "UpstreamServerTests", dependencies: ["UpstreamServer", "SyncProtocol", "renfang-upstream", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "IDCard", "Dictionaries", "Spreadsheet"]),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Sync", "SyncProtocol", "Registry", "IDCard", "UpstreamServer",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A client of the feed sockets (NDJSON over a Unix socket) for tests and scripts.
        .target(name: "FeedTesting"),
        .testTarget(name: "FeedTests", dependencies: [
            "Feed", "FeedTesting", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Runs the built `renfang` binary: sim serve + read over a pty, decode, exit codes.
        .testTarget(name: "RenfangCLITests", dependencies: ["renfang", "ReaderSimulator", "SAMProtocol", "IDCard", "Sync"]),
        .testTarget(name: "WatchlistTests", dependencies: ["Watchlist", "IDCard", "Spreadsheet"]),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "Registry"]),
        // Real sockets: the API served by Hummingbird on a loopback port, driven by HummingbirdTesting's live client.
        .testTarget(name: "WebAPITests", dependencies: [
            "WebAPI", "Registry", "Accounts", "Watchlist", "Sync", "Feed", "IDCard", "UpstreamServer", "SyncProtocol",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Configuration validation, the intake pipeline, and renfangd run as a process with the emulator.
        .testTarget(name: "ApplianceTests", dependencies: [
            "Appliance", "renfangd", "ReaderSimulator", "FeedTesting", "Registry", "Accounts", "Watchlist", "Sync", "Feed", "IDCard",
            "UpstreamServer",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
