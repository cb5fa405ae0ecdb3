// swift-tools-version: 6.1
// libFuzzer targets for renfang's byte parsers, kept out of the main package so its build stays lean.
// Build and run through scripts/fuzz (it passes -sanitize=fuzzer,address); see Fuzz/README.md.
import PackageDescription

let renfang: [Target.Dependency] = [
    .product(name: "IDCard", package: "renfang"),
    .product(name: "SAMProtocol", package: "renfang"),
]

let package = Package(
    name: "renfang-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "renfang", path: ".."),
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver for the targets' entry points.
        .target(name: "CFuzzSupport"),
        // The input format of FuzzFrameDecoder, synthetic sample cards, the failure reporter.
        .target(name: "FuzzCommon", dependencies: renfang),
        .executableTarget(name: "FuzzFrameDecoder", dependencies: ["CFuzzSupport", "FuzzCommon"] + renfang),
        .executableTarget(name: "FuzzTextBlock", dependencies: ["CFuzzSupport", "FuzzCommon"] + renfang),
        // Writes the seed corpora (Fuzz/seeds/): valid frames of every command and answer, a text block of
        // every card type. Synthetic data only.
        .executableTarget(name: "FuzzSeeds", dependencies: ["FuzzCommon"] + renfang),
    ]
)
