import Foundation
import IDCard
import ReaderSimulator
import SAMProtocol
import Testing
@testable import ReaderTransport

extension USBUmockdevTests {
    /// The `renfang` binary (built next to this test bundle) against an emulated USB reader.
    @Suite("renfang CLI with a USB reader under umockdev")
    struct USBCLITests {
        static var renfang: String {
            URL(fileURLWithPath: USBChild.testBinary).deletingLastPathComponent().appendingPathComponent("renfang").path
        }

        /// Runs `renfang ARGS` in the rig's environment and returns (status, stdout, stderr).
        static func run(_ arguments: [String], rig: USBDeviceRig, limit: Double = 20) async throws -> (Int32, String, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: renfang)
            p.arguments = arguments
            p.environment = rig.environment
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-usbcli-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            FileManager.default.createFile(atPath: err.path, contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: out)
            p.standardError = try FileHandle(forWritingTo: err)
            try p.run()
            let deadline = Date().addingTimeInterval(limit)
            while p.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if p.isRunning { p.terminate() }
            p.waitUntilExit()
            return (p.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
        }

        @Test("renfang read --device usb:0400:c35a prints the card; renfang readers lists the reader with its SAM ID")
        func readAndList() async throws {
            let r = try USBReaderRig.splitPipe()
            defer { r.rig.stop() }
            let placed = try #require(CardDeck.builtIn().card(named: "foreigner2017"))
            r.reader.place(placed)
            let (status, out, err) = try await Self.run(["read", "--device", "usb:0400:c35a", "--count", "1", "--timeout", "15"], rig: r.rig)
            #expect(status == 0, "\(err)")
            let card = try CardRead(jsonLine: out.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(card.text == placed.text.decoded)
            #expect(card.reader == "usb:0400:c35a")
            #expect(card.samId == SAMEmulator.defaultSAMID.description)

            let (lstatus, lout, lerr) = try await Self.run(["readers", "--json"], rig: r.rig)
            #expect(lstatus == 0, "\(lerr)")
            let list = try JSONSerialization.jsonObject(with: Data(lout.utf8)) as? [[String: Any]] ?? []
            let usb = list.first { $0["kind"] as? String == "usb" }
            #expect(usb?["deviceName"] as? String == "usb:0400:c35a@1-2", "\(lout)")
            #expect(usb?["vidPid"] as? String == "0400:c35a")
            #expect(usb?["samId"] as? String == SAMEmulator.defaultSAMID.description)
        }

        @Test("renfang read --device usb:… for a reader that is not attached exits 1 saying so")
        func notAttached() async throws {
            let r = try USBReaderRig.splitPipe()
            defer { r.rig.stop() }
            let (status, _, err) = try await Self.run(["read", "--device", "usb:0316:5020", "--count", "1", "--timeout", "10"], rig: r.rig)
            #expect(status == 1, "\(err)")
            #expect(err.contains("无法打开读卡器 usb:0316:5020"), "\(err)")
        }
    }
}
