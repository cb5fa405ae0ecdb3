import ArgumentParser
import Foundation
import Logging
import ReaderTransport
import SAMProtocol

/// `renfang readers`: lists the readers attached now.
struct ReadersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List attached readers: kind, device name, path, VID:PID, SAM ID.",
        discussion: "Serial readers are found through udev (known USB-serial bridges) and --glob; each is asked its SAM ID."
    )

    @Flag(name: .long, help: "Print JSON (an array of objects) instead of a table.")
    var json = false

    @Option(name: .long, help: "Also probe ttys matching this glob (repeatable), e.g. '/dev/ttyS*'.")
    var glob: [String] = []

    @Flag(name: .long, inversion: .prefixedNo, help: "Look for raw USB readers (libusb).")
    var usb = true

    @Flag(name: .long, inversion: .prefixedNo, help: "Look for PC/SC readers (pcscd).")
    var pcsc = true

    @OptionGroup var log: LogOptions

    func run() throws {
        log.bootstrap()
        var options = ReaderDiscoveryOptions()
        options.serialGlobs = glob
        options.usb = usb
        options.pcsc = pcsc
        let logger = Logger(label: "renfang.readers")
        let readers = ReaderListing.list(options: options, logger: logger)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(readers) + Data("\n".utf8))
            return
        }
        if readers.isEmpty {
            print("未发现读卡器 / no readers found")
            return
        }
        let rows = [["类型 KIND", "设备 DEVICE", "路径 PATH", "VID:PID", "SAM ID"]]
            + readers.map { [$0.kind.rawValue, $0.deviceName, $0.path ?? "-", $0.vidPid ?? "-", $0.samId ?? "-"] }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}
