import Foundation
import IDCard
import ReaderSimulator
import SAMProtocol
import Testing
@testable import ReaderTransport

extension Tag {
    /// Measurements that print figures; they check only that the measured path worked.
    @Tag static var benchmark: Self
}

extension USBUmockdevTests {
    /// Time from the device's last response byte to the cardRead event, over USB under umockdev.
    ///
    /// What is measured, per card: from the instant the emulated device hands the host the IN transfer that
    /// holds the last byte of the last answer of the read (the 30 03 answer; `in-done` in usb_device.py,
    /// CLOCK_MONOTONIC taken just before the REAP ioctl completes) to the instant ReaderRunner's handler
    /// receives `.cardRead` in the program under test (CLOCK_MONOTONIC). It covers libusb's reap and
    /// transfer completion, USBBulkTransport's read, frame decoding, the session's card assembly and the
    /// event hand-off; it does not cover the wire (there is none) and includes umockdev's socket hop back
    /// to the client. Run alone, with more cards: `RENFANG_USB_BENCH_CARDS=300 swift test --filter USBLatency`.
    @Suite("USB latency figures (prints only)")
    struct USBLatencyFigures {
        /// Cards per pipe kind (`RENFANG_USB_BENCH_CARDS`, default 30: about 1.5 s per kind).
        static let cards = Int(ProcessInfo.processInfo.environment["RENFANG_USB_BENCH_CARDS"] ?? "") ?? 30

        @Test("last response byte → cardRead, split and single pipe: p50/p99", .tags(.benchmark),
              arguments: ["split", "single"])
        func lastByteToCardRead(kind: String) async throws {
            let r = kind == "split" ? try USBReaderRig.splitPipe() : try USBReaderRig.singlePipe()
            defer { r.rig.stop() }
            let placed = try #require(CardDeck.builtIn().card(named: "resident-addr"))
            r.reader.place(placed)
            r.reader.representCard(afterEmptyFinds: 2)
            let device = kind == "split" ? "usb:0400:c35a@1-2" : "usb:0316:5020@1-3"
            let (child, status) = try await USBChild.run("session", rig: r.rig, env: [
                "RENFANG_USB_DEVICE": device, "RENFANG_USB_UNTIL": "cards:\(Self.cards)", "RENFANG_USB_POLL_MS": "5",
            ], limit: Double(20 + Self.cards / 5))
            defer { child.cleanUp() }
            #expect(status == 0, "\(child.log)")
            let reads = child.events("cardRead")
            #expect(reads.count == Self.cards, "\(child.events("fault"))")
            #expect(reads.allSatisfy { (try? CardRead(jsonLine: usbField($0, "card")))?.text == placed.text.decoded })
            // The IN hand-offs of the answer's last transfer, in order.
            let handOffs: [Int64] = r.rig.allLines.compactMap { line in
                let w = line.split(separator: " ")
                guard w.count == 5, w[0] == "in-done" else { return nil }
                return Int64(w[4])
            }.sorted()
            var latencies: [Double] = []
            for read in reads {
                guard let t = read["t"] as? Int64 ?? (read["t"] as? NSNumber)?.int64Value,
                    let last = handOffs.last(where: { $0 <= t })
                else { continue }
                latencies.append(Double(t - last) / 1e6)
            }
            #expect(latencies.count == reads.count)
            latencies.sort()
            func pct(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)] }
            let line = String(format: "USB latency (%@ pipe, %d cards, umockdev): last response byte → cardRead p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                              kind, latencies.count, pct(0.50), pct(0.99), latencies.last ?? .nan)
            print(line)
        }
    }
}
