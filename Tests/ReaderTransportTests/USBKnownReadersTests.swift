import Foundation
import SAMProtocol
import Testing
@testable import ReaderTransport

@Suite("USB known-readers table, device names and error texts (no device needed)")
struct USBKnownReadersTests {
    let table = USBKnownReaders.builtIn

    @Test("built-in kinds: 0400:c35a split pipes, 0316:5020 and 0483:5652 single pipe, 0425:8159 HID, bridges by VID:PID")
    func builtInKinds() {
        #expect(table.entry(for: VIDPID(0x0400, 0xC35A))?.kind == .splitPipe(USBSplitPipeEndpoints(headerOut: 0x02, bodyOut: 0x06, headerIn: 0x81, bodyIn: 0x85)))
        #expect(table.entry(for: VIDPID(0x0316, 0x5020))?.kind == .singlePipe(chunkSize: 64))
        #expect(table.entry(for: VIDPID(0x0483, 0x5652))?.kind == .singlePipe(chunkSize: 64))
        #expect(table.entry(for: VIDPID(0x0425, 0x8159))?.kind == .hid)
        for id in [VIDPID(0x067B, 0x2303), VIDPID(0x1A86, 0x7523), VIDPID(0x10C4, 0xEA60), VIDPID(0x0403, 0x6001)] {
            #expect(table.entry(for: id)?.kind == .serialBridge, "\(id)")
        }
        #expect(table.entry(for: VIDPID(0x1234, 0x5678)) == nil)
        #expect(table.entries.allSatisfy { !$0.model.isEmpty })
        #expect(!USBReaderKind.hid.isBulk && !USBReaderKind.serialBridge.isBulk && USBReaderKind.standardSplitPipe.isBulk)
    }

    @Test("a CDC-ACM interface makes any VID:PID a serial bridge; a VID:PID entry wins over the class")
    func classMatch() {
        let cdc: [(UInt8, UInt8)] = [(0x02, 0x02), (0x0A, 0x00)]
        #expect(table.entry(for: VIDPID(0x2E8A, 0x000A), interfaces: cdc)?.kind == .serialBridge)
        #expect(table.entry(for: VIDPID(0x2E8A, 0x000A), interfaces: [(0xFF, 0x00)]) == nil)
        #expect(table.entry(for: VIDPID(0x0316, 0x5020), interfaces: cdc)?.kind == .standardSinglePipe)
    }

    @Test("with(extra:) adds and replaces entries and leaves the original table alone")
    func extraEntries() throws {
        let added = try #require(USBKnownReader(configuration: "1234:5678 split-pipe Acme desk reader"))
        #expect(added.model == "Acme desk reader")
        let replaced = try #require(USBKnownReader(configuration: "0316:5020 single-pipe:512"))
        let t = table.with(extra: [added, replaced])
        #expect(t.entry(for: VIDPID(0x1234, 0x5678))?.kind == .standardSplitPipe)
        #expect(t.entry(for: VIDPID(0x0316, 0x5020))?.kind == .singlePipe(chunkSize: 512))
        #expect(t.entries.filter { $0.match == .vidPid(VIDPID(0x0316, 0x5020)) }.count == 1)
        #expect(table.entry(for: VIDPID(0x1234, 0x5678)) == nil)
        #expect(t.entries.count == table.entries.count + 1)
        for bad in ["", "1234:5678", "1234 single-pipe", "1234:5678 bulk", "zzzz:0001 hid", "1234:5678 single-pipe:2"] {
            #expect(USBKnownReader(configuration: bad) == nil, "\(bad)")
        }
        #expect(USBKnownReader(configuration: "ABCD:EF01 HID")?.match == .vidPid(VIDPID(0xABCD, 0xEF01)))
    }

    @Test("the table agrees with udev/60-renfang-readers.rules: raw-USB readers by ATTR, bridges by their tty ENV")
    func udevRulesInStep() throws {
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("udev/60-renfang-readers.rules")
        let text = try String(contentsOf: rules, encoding: .utf8)
        func ids(_ vendorKey: String, _ productKey: String) -> Set<VIDPID> {
            var found = Set<VIDPID>()
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let v = value(line, vendorKey), let p = value(line, productKey), let id = VIDPID("\(v):\(p)") else { continue }
                found.insert(id)
            }
            return found
        }
        func value(_ line: Substring, _ key: String) -> String? {
            guard let r = line.range(of: key + "==\"") else { return nil }
            return String(line[r.upperBound...].prefix(4))
        }
        #expect(ids("ATTR{idVendor}", "ATTR{idProduct}") == Set(table.usbReaderVIDPIDs))
        #expect(ids("ENV{ID_VENDOR_ID}", "ENV{ID_MODEL_ID}") == Set(table.serialBridgeVIDPIDs))
    }

    @Test("usb: device names make USB transports of the table's kind; unknown, HID and bridge IDs are refused clearly")
    func deviceNames() throws {
        let t = try DeviceName(parsing: "usb:0400:c35a@1-4.1").makeTransport()
        let usb = try #require(t as? USBBulkTransport)
        #expect(usb.kind == .standardSplitPipe)
        #expect(usb.location == "1-4.1")
        #expect(usb.deviceName == "usb:0400:c35a@1-4.1")
        #expect((try DeviceName(parsing: "usb:0316:5020").makeTransport() as? USBBulkTransport)?.location == nil)
        for (name, words) in [("usb:1234:5678", "known-readers"), ("usb:0425:8159", "HID"), ("usb:1a86:7523", "tty")] {
            #expect {
                _ = try DeviceName(parsing: name).makeTransport()
            } throws: { error in
                guard let e = error as? ReaderError, case let .badDeviceName(text) = e else { return false }
                return text.contains(words)
            }
        }
        let configured = USBKnownReaders.builtIn.with(extra: [USBKnownReader(VIDPID(0x1234, 0x5678), .standardSinglePipe, model: "x")])
        #expect(try DeviceName(parsing: "usb:1234:5678").makeUSBTransport(known: configured).kind == .standardSinglePipe)
    }

    @Test("a closed transport refuses I/O; HID and bridge kinds refuse to open, saying why")
    func closedAndUnsupported() {
        let t = USBBulkTransport(vendorID: 0x0400, productID: 0xC35A, kind: .standardSplitPipe)
        #expect(!t.isOpen)
        #expect(throws: ReaderError.io(device: "usb:0400:c35a", reason: "not open")) { try t.write([1]) }
        #expect(throws: ReaderError.io(device: "usb:0400:c35a", reason: "not open")) { _ = try t.read(timeout: .milliseconds(1)) }
        t.close()
        for kind in [USBReaderKind.hid, .serialBridge] {
            let u = USBBulkTransport(vendorID: 0x0425, productID: 0x8159, kind: kind)
            #expect {
                try u.open()
            } throws: { error in
                guard let e = error as? ReaderError, case let .cannotOpen(_, reason) = e else { return false }
                return reason.contains(kind == .hid ? "not supported" : "tty")
            }
        }
    }

    @Test("opening errors read as instructions: permission names the udev rules and the renfang group; busy names the other holder")
    func openReasons() {
        let access = USBStatus.access.openReason(doing: "open the reader", node: "/dev/bus/usb/001/002")
        #expect(access.contains("no permission") && access.contains("udev/60-renfang-readers.rules") && access.contains("renfang group"))
        #expect(USBStatus.busy.openReason(doing: "claim interface 0", node: nil).contains("busy"))
        #expect(USBStatus.noDevice.openReason(doing: "open", node: nil).contains("went away"))
        #expect(USBStatus.timeout.name == "LIBUSB_ERROR_TIMEOUT")
    }
}
