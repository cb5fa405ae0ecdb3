import Foundation
import ReaderSimulator
import SAMProtocol
import Testing

/// umockdev's script format for a tty: `w <ms> DATA` (what the program must write), `r <ms> DATA` (what
/// the device sends). Bytes below 0x20 are written `^` + chr(b + 64), `^` itself as "^`", others raw.
func umockdevScriptLine(_ op: Character, _ bytes: [UInt8]) -> [UInt8] {
    var out = Array("\(op) 0 ".utf8)
    for b in bytes {
        if b < 0x20 {
            out += [UInt8(ascii: "^"), b + 64]
        } else if b == UInt8(ascii: "^") {
            out += [UInt8(ascii: "^"), UInt8(ascii: "`")]
        } else {
            out.append(b)
        }
    }
    return out + [0x0A]
}

let umockdevRun = ["/usr/bin/umockdev-run", "/usr/local/bin/umockdev-run"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("Serial discovery by udev properties, under umockdev", .enabled(if: umockdevRun != nil, "umockdev-run is not installed (scripts/setup installs it)"))
struct UdevDiscoveryTests {
    /// A fake /dev/ttyACM0 behind a CH340 (1a86:7523) that answers 11 FF and 12 FF.
    func testbed(vidPid: (String, String), answers: Bool) throws -> (dir: URL, device: URL, script: URL) {
        let dir = try temporaryDirectory()
        let device = dir.appendingPathComponent("ttyACM0.umockdev")
        try """
            P: /devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/tty/ttyACM0
            N: ttyACM0
            E: DEVNAME=/dev/ttyACM0
            E: SUBSYSTEM=tty
            E: ID_VENDOR_ID=\(vidPid.0)
            E: ID_MODEL_ID=\(vidPid.1)
            E: ID_MODEL=USB_Serial
            E: ID_BUS=usb
            A: dev=166:0\\n

            """.write(to: device, atomically: true, encoding: .utf8)
        var script: [UInt8] = []
        script += umockdevScriptLine("w", SAMCommand.samStatus.encoded())
        if answers {
            script += umockdevScriptLine("r", ResponseFrame(status: .ok).encoded())
            script += umockdevScriptLine("w", SAMCommand.readSAMID.encoded())
            script += umockdevScriptLine("r", ResponseFrame(status: .ok, data: SAMEmulator.defaultSAMID.bytes).encoded())
        }
        let scriptURL = dir.appendingPathComponent("reader.script")
        try Data(script).write(to: scriptURL)
        return (dir, device, scriptURL)
    }

    @Test("renfang readers finds the tty by its udev VID:PID and shows the SAM ID the reader answers")
    func findsReader() throws {
        let bed = try testbed(vidPid: ("1a86", "7523"), answers: true)
        defer { try? FileManager.default.removeItem(at: bed.dir) }
        let run = try command(umockdevRun!, ["-d", bed.device.path, "-s", "/dev/ttyACM0=\(bed.script.path)", "--",
                                             renfangBinary.path, "readers", "--json", "--no-usb", "--no-pcsc"])
        #expect(run.status == 0, "\(run.stderr)")
        let list = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        #expect(list?.count == 1)
        #expect(list?.first?["deviceName"] as? String == "serial:/dev/ttyACM0")
        #expect(list?.first?["vidPid"] as? String == "1a86:7523")
        #expect(list?.first?["samId"] as? String == SAMEmulator.defaultSAMID.description)
        #expect(list?.first?["kind"] as? String == "serial")
    }

    @Test("a tty with an unknown VID:PID is not touched; a known bridge that does not answer 11 FF is not listed")
    func ignoresOthers() throws {
        let unknown = try testbed(vidPid: ("1234", "5678"), answers: true)
        defer { try? FileManager.default.removeItem(at: unknown.dir) }
        // The script expects a write; an unknown device is never opened, so umockdev sees none and exits cleanly.
        let run = try command(umockdevRun!, ["-d", unknown.device.path, "--", renfangBinary.path, "readers", "--json", "--no-usb", "--no-pcsc"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || run.stdout.contains("[]"))

        let silent = try testbed(vidPid: ("1a86", "7523"), answers: false)
        defer { try? FileManager.default.removeItem(at: silent.dir) }
        let run2 = try command(umockdevRun!, ["-d", silent.device.path, "-s", "/dev/ttyACM0=\(silent.script.path)", "--",
                                              renfangBinary.path, "readers", "--json", "--no-usb", "--no-pcsc"])
        #expect(run2.status == 0, "\(run2.stderr)")
        let list = try JSONSerialization.jsonObject(with: Data(run2.stdout.utf8)) as? [Any]
        #expect(list?.isEmpty == true, "\(run2.stdout)")
    }
}
