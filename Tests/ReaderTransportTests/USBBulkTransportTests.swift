import Foundation
import IDCard
import ReaderSimulator
import SAMProtocol
import Testing
@testable import ReaderTransport

extension USBUmockdevTests {
    /// Real libusb and the real USB transport against emulated devices (umockdev, see USBTestRig.swift): the
    /// program under test is this test binary started again under umockdev's preload, the device is
    /// Tests/Fixtures/usb/usb_device.py, and the SAM behind it is ``SAMEmulator``.
    @Suite("USB bulk readers under umockdev")
    struct USBBulkTransportTests {
        static let deck = CardDeck.builtIn()

        /// The commands in the host's frames, in order (split pipe: header and body transfers joined).
        static func commands(in transfers: [(endpoint: UInt8, bytes: [UInt8])]) -> [SAMCommand] {
            var decoder = FrameDecoder(minimumBodySize: 2)
            return decoder.decode(transfers.flatMap(\.bytes)).compactMap { event in
                guard case let .frame(body) = event, let frame = CommandFrame(body: body) else { return nil }
                return SAMCommand(frame: frame)
            }
        }

        static func card(_ line: [String: Any]) -> CardRead? {
            (line["card"] as? String).flatMap { try? CardRead(jsonLine: $0) }
        }

        @Test("split pipes: status, SAM ID, find, select, read (1295-byte answer: 7 from 0x81, 1288 from 0x85), address 91 give the card the device held")
        func splitPipeFullRead() async throws {
            let r = try USBReaderRig.splitPipe(driver: "usbfs_demo")
            defer { r.rig.stop() }
            let placed = try #require(Self.deck.card(named: "resident"))
            r.reader.place(placed)
            let (child, status) = try await USBChild.run("session", rig: r.rig, env: ["RENFANG_USB_DEVICE": "usb:0400:c35a@1-2", "RENFANG_USB_UNTIL": "cards:1"])
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            #expect(child.events("ready").first?["samId"] as? String == SAMEmulator.defaultSAMID.description, "\(child.lines)")
            let cards = child.events("cardRead").compactMap(Self.card)
            try #require(cards.count == 1, "one card read: \(child.lines) \(child.log)")
            let card = cards[0]
            #expect(card.text == placed.text.decoded)
            #expect(card.photoWlt == placed.photo)
            #expect(card.fingerprints.isEmpty)
            #expect(card.appendedAddresses.isEmpty)
            #expect(card.reader == "usb:0400:c35a@1-2")
            #expect(card.samId == SAMEmulator.defaultSAMID.description)
            #expect(child.events("fault").isEmpty, "\(child.events("fault"))")

            // On the wire: every frame's 7-byte header went to 0x02, the rest to 0x06, nothing elsewhere.
            let transfers = r.reader.outTransfers
            #expect(transfers.allSatisfy { [0x02, 0x06].contains($0.endpoint) })
            for (i, t) in transfers.enumerated() where t.endpoint == 0x02 {
                #expect(t.bytes.count == 7 && Array(t.bytes.prefix(5)) == Frame.preamble, "header \(i): \(t.bytes)")
                #expect(i + 1 < transfers.count && transfers[i + 1].endpoint == 0x06, "the body follows header \(i)")
            }
            let commands = Self.commands(in: transfers)
            #expect(Array(commands.prefix(6)) == [.samStatus, .readSAMID, .findCard, .selectCard, .readTextAndPhoto, .readAppendedAddress],
                    "\(commands)")
            // The device answered the read with its header on 0x81 (7 bytes) and its body on 0x85 (1288 bytes),
            // and the 30 03 answer 91 (no appended address) likewise.
            let lines = r.rig.allLines
            #expect(lines.contains { $0.hasPrefix("in-done /dev/bus/usb/001/002 133 1288 ") }, "\(lines.filter { $0.hasPrefix("in-done") })")
            #expect(lines.contains { $0.hasPrefix("in-done /dev/bus/usb/001/002 129 7 ") })
            // The bound kernel driver was detached before the interface was claimed, and released at the end.
            let detach = lines.firstIndex(of: "detach /dev/bus/usb/001/002 0"), claim = lines.firstIndex(of: "claim /dev/bus/usb/001/002 0")
            #expect(detach != nil && claim != nil && detach! < claim!, "\(lines.filter { !$0.hasPrefix("in-done") && !$0.hasPrefix("out") })")
            #expect(lines.contains("release /dev/bus/usb/001/002 0"))
        }

        @Test("unplug in the middle of the read answer: deviceGone, no card, no partial record; reopening then finds nothing")
        func unplugMidRead() async throws {
            let r = try USBReaderRig.splitPipe()
            defer { r.rig.stop() }
            r.reader.place(try #require(Self.deck.card(named: "resident-addr")))
            r.reader.intercept { request, answer, reader in
                guard SAMCommand(frame: request) == .readTextAndPhoto else { return false }
                // The header and 600 of the 1288 body bytes arrive, then the reader is pulled out.
                reader.sendPartial(answer, bodyBytes: 600)
                Thread.sleep(forTimeInterval: 0.05)
                reader.rig?.unplug(reader.node)
                return true
            }
            let (child, status) = try await USBChild.run("session", rig: r.rig, env: [
                "RENFANG_USB_DEVICE": "usb:0400:c35a@1-2", "RENFANG_USB_UNTIL": "faults:2",
            ])
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            #expect(r.rig.wait(for: "unplugged ", timeout: 1) != nil)
            #expect(r.rig.allLines.contains { $0.hasPrefix("in-done /dev/bus/usb/001/002 133 600 ") }, "the partial body was taken")
            let faults = child.events("fault")
            try #require(faults.count >= 2, "\(child.lines) \(child.log)")
            #expect(faults[0]["code"] as? String == "reader.deviceGone", "\(faults[0])")
            // The session reopened after its backoff and found the reader gone.
            #expect(faults[1]["code"] as? String == "reader.cannotOpen", "\(faults[1])")
            #expect(usbField(faults[1], "detail").contains("not attached"), "\(faults[1])")
            #expect(child.events("cardRead").isEmpty, "no card from a torn answer")
            #expect(child.events("cardError").isEmpty)
            #expect(child.events("ready").count == 1)
        }

        @Test("single pipe: the whole read over one bulk pair in 64-byte chunks, the bulk endpoints found behind an interrupt one")
        func singlePipeFullRead() async throws {
            let r = try USBReaderRig.singlePipe()
            defer { r.rig.stop() }
            let placed = try #require(Self.deck.card(named: "resident-addr"))
            r.reader.place(placed)
            let (child, status) = try await USBChild.run("session", rig: r.rig, env: ["RENFANG_USB_DEVICE": "usb:0316:5020", "RENFANG_USB_UNTIL": "cards:1"])
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            let cards = child.events("cardRead").compactMap(Self.card)
            try #require(cards.count == 1, "\(child.lines) \(child.log)")
            #expect(cards[0].text == placed.text.decoded)
            #expect(cards[0].photoWlt == placed.photo)
            #expect(cards[0].appendedAddresses == placed.appendedAddresses)
            #expect(cards[0].reader == "usb:0316:5020")
            #expect(child.events("fault").isEmpty)
            let transfers = r.reader.outTransfers
            #expect(transfers.allSatisfy { $0.endpoint == 0x01 && $0.bytes.count <= 64 })
            #expect(Array(Self.commands(in: transfers).prefix(6)) == [.samStatus, .readSAMID, .findCard, .selectCard, .readTextAndPhoto, .readAppendedAddress])
            // IN transfers were taken 64 bytes at a time: the 1295-byte answer is 20 full packets and 15 bytes.
            let inSizes = r.rig.allLines.filter { $0.hasPrefix("in-done /dev/bus/usb/001/003 130 ") }
                .compactMap { Int($0.split(separator: " ")[3]) }
            #expect(inSizes.allSatisfy { $0 <= 64 }, "\(inSizes)")
            #expect(inSizes.filter { $0 == 64 }.count >= 20, "\(inSizes)")
        }

        @Test("single pipe: a long frame is written in 64-byte chunks and a long answer read back whole")
        func singlePipeChunks() async throws {
            let node = "/dev/bus/usb/001/003"
            let received = USBTransferLog()
            let rigBox = USBRigBox()
            let rig = try USBDeviceRig(files: ["reader-0316-5020.umockdev"], emulate: [node]) { _, ep, bytes in
                received.append(ep, bytes)
                // Echo everything back as one answer once 200 bytes have come.
                if received.total == 200 { rigBox.rig?.deliver(node, 0x82, received.all.flatMap(\.bytes)) }
            }
            rigBox.rig = rig
            defer { rig.stop() }
            let payload = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            let (child, status) = try await USBChild.run("raw", rig: rig, env: [
                "RENFANG_USB_DEVICE": "usb:0316:5020@1-3", "RENFANG_USB_WRITE": usbHexString(payload), "RENFANG_USB_EXPECT": "200",
            ], limit: 5)
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            #expect(received.all.map(\.bytes.count) == [64, 64, 64, 8])
            #expect(received.all.allSatisfy { $0.endpoint == 0x01 })
            let read = try #require(child.events("read").first, "\(child.lines)")
            #expect(read["hex"] as? String == usbHexString(payload))
        }

        @Test("an interface held by a kernel driver that cannot be detached: cannotOpen saying busy")
        func busyInterface() async throws {
            let r = try USBReaderRig.splitPipe(driver: "stubborn!")
            defer { r.rig.stop() }
            let (child, status) = try await USBChild.run("open", rig: r.rig, env: ["RENFANG_USB_DEVICE": "usb:0400:c35a@1-2"], limit: 5)
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            let error = try #require(child.events("error").first, "\(child.lines)")
            #expect(error["code"] as? String == "reader.cannotOpen")
            #expect(usbField(error, "detail").contains("busy"), "\(error)")
        }

        @Test("opening by location: the wrong port names where the reader is; an absent reader is not attached")
        func openByLocation() async throws {
            let r = try USBReaderRig.splitPipe()
            defer { r.rig.stop() }
            let (ok, s1) = try await USBChild.run("open", rig: r.rig, env: ["RENFANG_USB_DEVICE": "usb:0400:c35a@1-2"], limit: 5)
            defer { ok.cleanUp() }
            #expect(s1 == 0 && ok.events("opened").count == 1, "\(ok.lines) \(ok.log)")
            let (wrong, s2) = try await USBChild.run("open", rig: r.rig, env: ["RENFANG_USB_DEVICE": "usb:0400:c35a@1-9"], limit: 5)
            defer { wrong.cleanUp() }
            #expect(s2 == 0)
            let detail = usbField(wrong.events("error").first, "detail")
            #expect(detail.contains("not attached at 1-9") && detail.contains("1-2"), "\(wrong.lines)")
            let (absent, s3) = try await USBChild.run("open", rig: r.rig, env: ["RENFANG_USB_DEVICE": "usb:0483:5652"], limit: 5)
            defer { absent.cleanUp() }
            #expect(s3 == 0)
            #expect(absent.events("error").first?["code"] as? String == "reader.cannotOpen", "\(absent.lines)")
            #expect(usbField(absent.events("error").first, "detail").contains("not attached"))
        }
    }
}

/// OUT transfers seen by a hand-driven device.
final class USBTransferLog: @unchecked Sendable {
    private let lock = NSLock()
    private var transfers: [(endpoint: UInt8, bytes: [UInt8])] = []

    func append(_ endpoint: UInt8, _ bytes: [UInt8]) {
        lock.lock()
        transfers.append((endpoint, bytes))
        lock.unlock()
    }

    var all: [(endpoint: UInt8, bytes: [UInt8])] {
        lock.lock()
        defer { lock.unlock() }
        return transfers
    }

    var total: Int { all.reduce(0) { $0 + $1.bytes.count } }
}

/// A late-bound reference to a rig, for callbacks created before it.
final class USBRigBox: @unchecked Sendable {
    weak var rig: USBDeviceRig?
}
