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
        .executable(name: "renfang", targets: ["renfang"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
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
        // The admin CLI: read, decode, sim.
        .executableTarget(
            name: "renfang",
            dependencies: [
                "IDCard", "SAMProtocol", "ReaderTransport", "ReaderSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "IDCardTests", dependencies: ["IDCard"]),
        .testTarget(name: "SAMProtocolTests", dependencies: ["SAMProtocol", "IDCard"]),
        .testTarget(name: "ReaderTransportTests", dependencies: ["ReaderTransport", "ReaderSimulator", "SAMProtocol", "IDCard"]),
        .testTarget(name: "ReaderSimulatorTests", dependencies: ["ReaderSimulator", "SAMProtocol", "IDCard"]),
        // Runs the built `renfang` binary: sim serve + read over a pty, decode, exit codes.
        .testTarget(name: "RenfangCLITests", dependencies: ["renfang", "ReaderSimulator", "SAMProtocol", "IDCard"]),
    ]
)
