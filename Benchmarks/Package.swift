// swift-tools-version: 6.1
// renfang-bench: throughput of the card-read path (frame decode → payload → text block), kept out of the
// main package so its build stays lean. Run: swift run -c release --package-path Benchmarks renfang-bench
import PackageDescription

let package = Package(
    name: "renfang-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "renfang", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // sched_getcpu / sched_setaffinity, to run on one core.
        .target(name: "CBenchSupport"),
        .executableTarget(
            name: "renfang-bench",
            dependencies: [
                "CBenchSupport",
                .product(name: "IDCard", package: "renfang"),
                .product(name: "SAMProtocol", package: "renfang"),
            ]
        ),
        // The register on a generated data set: statistics and searches, against the sqlite3 tool.
        .executableTarget(
            name: "registry-bench",
            dependencies: [
                .product(name: "IDCard", package: "renfang"),
                .product(name: "Registry", package: "renfang"),
                .product(name: "Dictionaries", package: "renfang"),
            ]
        ),
        // Import throughput of .xlsx/.csv files into the register.
        .executableTarget(
            name: "import-bench",
            dependencies: [
                .product(name: "IDCard", package: "renfang"),
                .product(name: "Registry", package: "renfang"),
                .product(name: "Spreadsheet", package: "renfang"),
            ]
        ),
        // Sealed watchlists: scrypt cost calibration, sealing rate, 1,000,000-record import (time, peak RSS),
        // check latency split into scrypt and lookup.
        .executableTarget(
            name: "watchlist-bench",
            dependencies: [
                "BenchPeople",
                .product(name: "IDCard", package: "renfang"),
                .product(name: "Watchlist", package: "renfang"),
            ]
        ),
        // Synthetic people (ID numbers with their check character, names, watchlist entries) for the benchmarks.
        .target(
            name: "BenchPeople",
            dependencies: [
                .product(name: "IDCard", package: "renfang"),
                .product(name: "Watchlist", package: "renfang"),
            ]
        ),
        // The whole daemon, as real processes on release binaries: card-to-alert latency, HTTP under 50 clients,
        // resident memory, start-up time (issue 7's figures).
        .executableTarget(
            name: "daemon-bench",
            dependencies: [
                "BenchPeople",
                .product(name: "Watchlist", package: "renfang"),
            ]
        ),
        // The sync queue: durable registrations (synchronous=FULL) against bare SQLite inserts of the same rows;
        // records/s drained to renfang-upstream over loopback; a 1,000,000-record backlog drained (peak RSS).
        .executableTarget(
            name: "sync-bench",
            dependencies: [
                .product(name: "Registry", package: "renfang"),
                .product(name: "Sync", package: "renfang"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Serial path latency: last byte of the read answer on a pty → cardRead event (p50/p99).
        .executableTarget(
            name: "reader-latency",
            dependencies: [
                .product(name: "IDCard", package: "renfang"),
                .product(name: "SAMProtocol", package: "renfang"),
                .product(name: "ReaderTransport", package: "renfang"),
                .product(name: "ReaderSimulator", package: "renfang"),
            ]
        ),
    ]
)
