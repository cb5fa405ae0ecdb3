import ArgumentParser
import Foundation
import IDCard
import Logging
import ReaderTransport
import SAMProtocol

/// `renfang read`: waits for cards on one reader and prints one JSON object per card.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read cards from a reader; one JSON object per card on stdout (protocol-docs/card-json.md).",
        discussion: """
            Exit status: 0 when done (--count cards read, or --timeout passed without --count), \
            1 when the device cannot be opened, 2 when it does not answer, 3 when --timeout passed \
            before --count cards were read, 64 for a bad device name.
            """
    )

    @Option(name: .long, help: "Reader device: serial:/dev/ttyUSB0 (or the pty of `renfang sim serve`).")
    var device: String

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
    }

    func run() throws {
        log.bootstrap()
        let name: DeviceName
        let transport: any ByteTransport
        do {
            name = try DeviceName(parsing: device)
            transport = try name.makeTransport()
        } catch {
            printError("\(error.chineseMessage)（\(error.description)）")
            throw ExitCode(64)
        }
        var configuration = ReaderSessionConfiguration()
        configuration.readFingerprints = fingerprint
        configuration.readAppendedAddress = appendedAddress
        configuration.readerName = name.description

        let outcome = CardReadLoop(transport: transport, configuration: configuration)
            .run(count: count, timeout: timeout.map { Duration.milliseconds(Int64($0 * 1000)) }) { card in
                FileHandle.standardOutput.write(Data((card.jsonLine() + "\n").utf8))
            } notice: { message in
                printError(message)
            }
        switch outcome {
        case .done: return
        case let .cannotOpen(error):
            printError("\(error.chineseMessage)（\(error.description)）")
            throw ExitCode(1)
        case let .notAnswering(error):
            printError("读卡器无应答：\(name)（\(error.description)）")
            throw ExitCode(2)
        case let .timedOut(read):
            printError("\(timeout ?? 0) 秒内只读到 \(read) 张证件（要求 \(count ?? 0) 张）/ timed out after \(read) card(s)")
            throw ExitCode(3)
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
