// reader-latency: time from the last byte of the card's read answer leaving the (emulated) reader to the
// cardRead event of the session, over a real pty — the serial path of renfang as the daemon runs it
// (SerialPort + ReaderRunner + ReaderSession + FrameDecoder + TextBlock). Prints p50/p90/p99/max.
//
// Run: swift run -c release --package-path Benchmarks reader-latency [presentations]
import Foundation
import Glibc
import IDCard
import ReaderSimulator
import ReaderTransport
import SAMProtocol

final class Shared: @unchecked Sendable {
    let lock = NSCondition()
    var emulator = SAMEmulator()
    var lastByteAt: ContinuousClock.Instant?
    var stamps = 0
    var cardAt: ContinuousClock.Instant?
    var cards = 0
    var removals = 0
    var stop = false
}

/// Opens a pty master; returns it and the slave's path (/dev/ptmx + TIOCSPTLCK/TIOCGPTN).
func openPty() -> (Int32, String) {
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
        fatalError("cannot open a pty: \(String(cString: strerror(errno)))")
    }
    var t = termios()
    tcgetattr(master, &t)
    cfmakeraw(&t)
    tcsetattr(master, TCSANOW, &t)
    return (master, "/dev/pts/\(number)")
}

@main
struct ReaderLatency {
    static func main() {
        let presentations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 300 : 300
        let shared = Shared()
        let (master, slavePath) = openPty()
        let clock = ContinuousClock()

        // The reader: the SAM emulator answering on the pty master, stamping the last byte of each 30 01 answer.
        let sam = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                shared.lock.lock()
                let stop = shared.stop
                shared.lock.unlock()
                if stop { return }
                var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 50) > 0 else { continue }
                let n = read(master, &buffer, buffer.count)
                guard n > 0 else { continue }
                shared.lock.lock()
                let exchanges = shared.emulator.handle(buffer[0..<n])
                shared.lock.unlock()
                for exchange in exchanges {
                    for output in exchange.outputs {
                        if case let .write(bytes) = output {
                            var off = 0
                            while off < bytes.count {
                                let w = bytes.withUnsafeBytes { write(master, $0.baseAddress! + off, bytes.count - off) }
                                if w > 0 { off += w }
                            }
                        }
                    }
                    if let r = exchange.request, r.command == 0x30, r.parameter == 0x01 {
                        let now = clock.now
                        shared.lock.lock()
                        shared.lastByteAt = now
                        shared.stamps += 1
                        shared.lock.broadcast()
                        shared.lock.unlock()
                    }
                }
            }
        }
        sam.start()

        var session = ReaderSessionConfiguration()
        session.pollInterval = .milliseconds(2)
        session.readAppendedAddress = false  // the read answer is then the card's last response
        let runner = ReaderRunner(transport: SerialPort(path: slavePath), configuration: session)
        runner.start { event in
            let now = clock.now
            shared.lock.lock()
            switch event {
            case .cardRead:
                shared.cardAt = now
                shared.cards += 1
            case .cardRemoved:
                shared.removals += 1
            default: break
            }
            shared.lock.broadcast()
            shared.lock.unlock()
        }

        func waitUntil(_ condition: () -> Bool) {
            let limit = Date().addingTimeInterval(10)
            shared.lock.lock()
            while !condition() {
                if !shared.lock.wait(until: limit) { fatalError("timed out waiting for the reader") }
            }
            shared.lock.unlock()
        }

        let deck = CardDeck.builtIn()
        let cards = ["resident", "hk", "foreigner2017", "foreigner2023"].compactMap { deck.card(named: $0) }
        var latencies: [Duration] = []
        for i in 0..<(presentations + 20) {
            shared.lock.lock()
            shared.emulator.place(cards[i % cards.count])
            let before = shared.cards, stampsBefore = shared.stamps
            shared.lock.unlock()
            waitUntil { shared.cards > before && shared.stamps > stampsBefore }
            shared.lock.lock()
            // The reader thread may see the bytes before the emulator thread has read the clock: clamp at zero.
            let latency = max(.zero, shared.cardAt! - shared.lastByteAt!)
            let removals = shared.removals
            shared.emulator.remove()
            shared.lock.unlock()
            if i >= 20 { latencies.append(latency) }  // the first 20 warm up
            waitUntil { shared.removals > removals }
        }
        shared.lock.lock()
        shared.stop = true
        shared.lock.unlock()
        runner.stop()

        latencies.sort()
        func pct(_ p: Double) -> Duration { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        func ms(_ d: Duration) -> String {
            String(format: "%.3f ms", Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
        }
        let target = Duration.milliseconds(2)
        print("serial (pty) — last byte of the 30 01 answer → cardRead event, \(latencies.count) presentations")
        print("  p50 \(ms(pct(0.50)))   p90 \(ms(pct(0.90)))   p99 \(ms(pct(0.99)))   max \(ms(latencies.last!))")
        print("  target p99 < \(ms(target)): \(pct(0.99) < target ? "PASS" : "FAIL")  (p99 / target = \(String(format: "%.2f", Double(pct(0.99).components.attoseconds + pct(0.99).components.seconds * 1_000_000_000_000_000_000) / 2e15)))")

    }
}
