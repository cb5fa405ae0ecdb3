import Foundation
import Glibc
import SAMProtocol
import Testing
@testable import ReaderTransport

extension PCSCStackTests {
    /// Presentations measured (`RENFANG_PCSC_BENCH_CARDS`, default 8: about 8 s). Each one takes about
    /// 0.95 s, mostly waiting and pcscd's 400 ms presence polling: 200 take about 3 minutes.
    static let benchPresentations = Int(ProcessInfo.processInfo.environment["RENFANG_PCSC_BENCH_CARDS"] ?? "") ?? 8

    /// Time to the cardRead event, PC/SC path, real pcscd + vpcd.
    ///
    /// The virtual card presents itself N times (connect, answer, 50 ms, disconnect, 0.45–0.85 s away: the
    /// random part keeps presentations from locking onto pcscd's 400 ms polling) and writes,
    /// per answered `00 36`, two CLOCK_MONOTONIC instants: when its TCP connection to vpcd was established
    /// ("presentation") and just before it sends its `… 90 00` answer ("answer"). The monitor's handler
    /// takes CLOCK_MONOTONIC when it receives `.cardRead`. Reported:
    /// - answer → event: the send, vpcd reading the answer, pcscd returning it to the client, pcsc-lite's client,
    ///   SCardDisconnect, building the CardRead, the hand-off to the handler;
    /// - presentation → event: adds pcscd noticing the card (its presence poll every 400 ms, then its 200 ms
    ///   settle wait before power-up), power-up and ATR, the SCardGetStatusChange wake-up and SCardConnect.
    /// Run alone with more: `RENFANG_PCSC_BENCH_CARDS=200 swift test --filter PCSCStackTests/latency`.
    @Test("figures: virtual card's answer → cardRead, presentation → cardRead (p50/p99)", .tags(.benchmark))
    func latency() throws {
        let rig = try PCSCRig.get()
        let port = rig.basePorts[2] + 1
        let reader = rig.reader(port: port)
        let n = Self.benchPresentations
        let stamps = "\(rig.dir)/bench-\(port).txt"
        try? FileManager.default.removeItem(atPath: stamps)

        let monitor = PCSCMonitor(filter: .exact(reader))
        let events = PCSCRecorder<(ReaderEvent, Int64)>()
        monitor.start { event in
            if case let .reader(_, e) = event, case .cardRead = e { events.record((e, monotonicNanoseconds())) }
        }
        defer { monitor.stop() }
        let card = try rig.card(port: port, number: "0011223344556677",
                                extra: ["--cycles", "\(n)", "--hold", "0.05", "--gap", "0.45", "--jitter", "0.4", "--stamp", stamps])
        defer { card.remove() }
        #expect(events.waitUntil(within: Double(n) * 1.5 + 5) { $0.count >= n }, "only \(events.all.count) of \(n) reads")
        let reads = events.all.map(\.1)
        // The card writes its stamp line after answering: give the last line time to land before stopping it.
        func stampLines() -> [Substring] {
            ((try? String(contentsOfFile: stamps, encoding: .utf8)) ?? "").split(separator: "\n")
        }
        let deadline = Date().addingTimeInterval(5)
        while stampLines().count < reads.count && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        card.remove()
        let lines = stampLines()
        let pairs: [(connected: Int64, answered: Int64)] = lines.compactMap {
            let w = $0.split(separator: " ").compactMap { Int64($0) }
            return w.count == 2 ? (w[0], w[1]) : nil
        }
        #expect(pairs.count == reads.count, "stamps \(pairs.count), reads \(reads.count)")
        var answerToEvent: [Double] = []
        var presentationToEvent: [Double] = []
        for (read, pair) in zip(reads, pairs) {
            answerToEvent.append(Double(read - pair.answered) / 1e6)
            presentationToEvent.append(Double(read - pair.connected) / 1e6)
        }
        #expect(answerToEvent.allSatisfy { $0 > 0 }, "an event before its answer: pairing is off")
        print("pcsc latency, \(answerToEvent.count) presentations: answer → cardRead \(summary(answerToEvent)); "
            + "presentation → cardRead \(summary(presentationToEvent))")
    }
}

/// CLOCK_MONOTONIC in nanoseconds (Python's time.clock_gettime_ns(time.CLOCK_MONOTONIC) reads the same clock).
private func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// `min 0.12 ms, p50 1.23 ms, p99 4.56 ms, max 7.89 ms` (nearest-rank percentiles).
private func summary(_ values: [Double]) -> String {
    guard !values.isEmpty else { return "no data" }
    let sorted = values.sorted()
    func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))] }
    return String(format: "min %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms", sorted[0], pct(0.5), pct(0.99), sorted.last!)
}
