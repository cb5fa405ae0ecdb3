import ArgumentParser
import Foundation
import IDCard
import Logging
import ReaderTransport
import SAMProtocol

/// `renfang read`: waits for cards on one reader (or any) and prints one JSON object per card.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read cards from a reader; one JSON object per card on stdout (protocol-docs/card-json.md).",
        discussion: """
            Exit status: 0 when done (--count cards read, or --timeout passed without --count), \
            1 when the device cannot be opened, 2 when it does not answer, 3 when --timeout passed \
            before --count cards were read, 64 for a bad device name or options.
            """
    )

    @Option(name: .long, help: "Reader device: serial:/dev/ttyUSB0, usb:0400:c35a[@BUS-PORT], pcsc:NAME.")
    var device: String?

    @Flag(name: .long, help: "Take cards from any reader that is or becomes attached (default --count 1).")
    var any = false

    @Option(name: .long, help: "With --any: also probe ttys matching this glob (repeatable), e.g. '/dev/ttyS*'.")
    var glob: [String] = []

    @Flag(name: .long, inversion: .prefixedNo, help: "With --any: look for raw USB readers (libusb).")
    var usb = true

    @Flag(name: .long, inversion: .prefixedNo, help: "With --any: look for PC/SC readers (pcscd).")
    var pcsc = true

    @Flag(name: .long, help: "Read fingerprints too (30 10 instead of 30 01).")
    var fingerprint = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Ask for the appended address (30 03) after each read.")
    var appendedAddress = true

    @Option(name: .long, help: "Stop after this many seconds.")
    var timeout: Double?

    @Option(name: .long, help: "Stop after this many cards.")
    var count: Int?

    @OptionGroup var log: LogOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if any == (device != nil) { throw ValidationError("give exactly one of --device NAME and --any") }
        if !glob.isEmpty && !any { throw ValidationError("--glob goes with --any") }
    }

    func run() throws {
        log.bootstrap()
        var session = ReaderSessionConfiguration()
        session.readFingerprints = fingerprint
        session.readAppendedAddress = appendedAddress
        let limit = timeout.map { Duration.milliseconds(Int64($0 * 1000)) }
        let printCard: @Sendable (CardRead) -> Void = { card in
            FileHandle.standardOutput.write(Data((card.jsonLine() + "\n").utf8))
        }
        let outcome: CardReadLoop.Outcome
        let shownName: String
        if any {
            var options = ReaderDiscoveryOptions()
            options.serialGlobs = glob
            options.usb = usb
            options.pcsc = pcsc
            let logger = Logger(label: "renfang.read")
            let manager = ReaderManager(sources: options.sources(session: session, logger: logger), rescanInterval: .seconds(1), logger: logger)
            shownName = "any reader"
            outcome = CardReadLoop.any(manager: manager, count: count ?? 1, timeout: limit, card: printCard) { printError($0) }
        } else {
            let name: DeviceName
            let driver: any ReaderDriver
            do {
                name = try DeviceName(parsing: device ?? "")
                driver = try name.makeDriver(session: session, logger: Logger(label: "renfang.read"))
            } catch {
                printError("\(error.chineseMessage)（\(error.description)）")
                throw ExitCode(64)
            }
            shownName = name.description
            outcome = CardReadLoop(driver: driver).run(count: count, timeout: limit, card: printCard) { printError($0) }
        }
        switch outcome {
        case .done: return
        case let .cannotOpen(error):
            printError("\(error.chineseMessage)（\(error.description)）")
            throw ExitCode(1)
        case let .notAnswering(error):
            printError("读卡器无应答：\(shownName)（\(error.description)）")
            throw ExitCode(2)
        case let .timedOut(read):
            printError("\(timeout ?? 0) 秒内只读到 \(read) 张证件（要求 \(count ?? 1) 张）/ timed out after \(read) card(s)")
            throw ExitCode(3)
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
