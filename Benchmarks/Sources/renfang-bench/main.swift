// renfang-bench: how fast the card-read path turns bytes on the wire into a decoded card record, on one
// core, compared with how fast a reader can deliver them. See Benchmarks/README.md.
import Foundation
import IDCard
import SAMProtocol

let settings = Settings.parse(Array(CommandLine.arguments.dropFirst()))
let pinnedCPU = pinToOneCPU(settings.cpu)

// MARK: - Inputs

let frame = Samples.readFrame(Samples.resident)
let frameSize = frame.count  // 1295
let chunkSize = 64
let wireBitsPerByte = 10.0  // 8N1: start bit, 8 data bits, stop bit
let baud = 115_200.0
let wireSecondsPerFrame = Double(frameSize) * wireBitsPerByte / baud
let wireFramesPerSecond = 1 / wireSecondsPerFrame
let targetFramesPerSecond = 100_000.0

/// Checks the inputs once, untimed: the frame decodes to exactly one frame whose card equals the sample.
func verify() {
    guard frameSize == 1295 else { fatalError("the 30 01 answer is \(frameSize) bytes, expected 1295") }
    for (label, sample) in Samples.all {
        let wire = Samples.readFrame(sample)
        var decoder = FrameDecoder(minimumBodySize: 3)
        let events = decoder.decode(wire)
        guard events.count == 1, case let .frame(body) = events[0], let response = ResponseFrame(body: body),
            response.status == .ok, let payload = try? CardPayload.parse(response.data, withFingerprint: false)
        else { fatalError("\(label): the synthetic frame did not decode: \(events.count) events") }
        var text = TextBlock.decode(payload.text)
        if !text.warnings.isEmpty {
            print("note: synthetic \(label) card decodes with warnings \(text.warnings.map(\.rawValue))")
        }
        text.warnings = []
        guard text == sample else { fatalError("\(label): decoded card differs from the sample:\n\(text)\n\(sample)") }
    }
}
verify()

// MARK: - Measurements

@inline(never)
func decodeFrames(_ n: Int) -> UInt64 {
    var sum: UInt64 = 0
    var decoder = FrameDecoder(minimumBodySize: 3)
    for _ in 0..<n {
        decoder.feed(frame)
        while let event = decoder.next() {
            guard case let .frame(body) = event else { fatalError("unexpected \(event)") }
            sum &+= UInt64(body.count) &+ UInt64(body[body.count - 1])
        }
    }
    return sum
}

/// Bytes on the wire → card record: frame, response, payload, text block.
@inline(__always)
func fullRead(_ body: [UInt8]) -> UInt64 {
    guard let response = ResponseFrame(body: body), response.status == .ok else { fatalError("bad response") }
    guard let payload = try? CardPayload.parse(response.data, withFingerprint: false) else { fatalError("bad payload") }
    let text = TextBlock.decode(payload.text)
    return UInt64(text.idNumber?.utf8.count ?? 0) &+ UInt64(text.name?.unicodeScalars.first?.value ?? 0)
        &+ UInt64(text.warnings.count) &+ UInt64(payload.photo.count)
}

@inline(never)
func fullReads(_ n: Int) -> UInt64 {
    var sum: UInt64 = 0
    var decoder = FrameDecoder(minimumBodySize: 3)
    for _ in 0..<n {
        decoder.feed(frame)
        while let event = decoder.next() {
            guard case let .frame(body) = event else { fatalError("unexpected \(event)") }
            sum &+= fullRead(body)
        }
    }
    return sum
}

@inline(never)
func fullReadsChunked(_ n: Int) -> UInt64 {
    var sum: UInt64 = 0
    var decoder = FrameDecoder(minimumBodySize: 3)
    for _ in 0..<n {
        var i = 0
        while i < frameSize {
            let end = min(i + chunkSize, frameSize)
            decoder.feed(frame[i..<end])
            i = end
            while let event = decoder.next() {
                guard case let .frame(body) = event else { fatalError("unexpected \(event)") }
                sum &+= fullRead(body)
            }
        }
    }
    return sum
}

@inline(never)
func fullReadsToJSON(_ n: Int) -> UInt64 {
    var sum: UInt64 = 0
    var decoder = FrameDecoder(minimumBodySize: 3)
    for _ in 0..<n {
        decoder.feed(frame)
        while let event = decoder.next() {
            guard case let .frame(body) = event, let response = ResponseFrame(body: body),
                let payload = try? CardPayload.parse(response.data, withFingerprint: false)
            else { fatalError("bad frame") }
            sum &+= UInt64(payload.cardRead().jsonLine().utf8.count)
        }
    }
    return sum
}

let blocks = Samples.all.map { (label: $0.label, bytes: TextBlock.encode($0.text)) }

@inline(never)
func decodeBlocks(_ block: [UInt8], _ n: Int) -> UInt64 {
    var sum: UInt64 = 0
    for _ in 0..<n {
        let text = TextBlock.decode(block)
        sum &+= UInt64(text.idNumber?.utf8.count ?? 0) &+ UInt64(text.warnings.count)
            &+ UInt64(text.birthDate == nil ? 0 : 1)
    }
    return sum
}

func selected(_ name: String) -> Bool {
    guard let f = settings.filter else { return true }
    return name.localizedCaseInsensitiveContains(f)
}

var checksum: UInt64 = 0
var lowestCPUShare = 1.0

func percent(_ share: Double) -> String {
    String(format: "%.0f%%", min(share, 1) * 100)
}

#if DEBUG
print("WARNING: debug build — the figures below mean nothing. Use: swift run -c release --package-path Benchmarks renfang-bench\n")
#endif
print("renfang-bench — \(settings.runs) runs × \(settings.seconds) s after \(settings.warmup) s warm-up, single thread"
    + (settings.cpuTime ? ", rates per CPU second" : "")
    + (pinnedCPU.map { ", pinned to CPU \($0)" } ?? " (not pinned)"))
print("")
print("Full read: a \(frameSize)-byte `30 01` answer (7 header + 3 status + 4 lengths + 256 text + 1024 photo + 1 checksum)")
print(String(format: "Serial wire limit: 115200 baud 8N1 → %.1f ms per frame = %.2f frames/s", wireSecondsPerFrame * 1000, wireFramesPerSecond))
print("")

let frameRows: [(name: String, run: (Int) -> UInt64, target: Bool)] = [
    ("(a) frame decode only", decodeFrames, false),
    ("(b) full read: frame + payload + text", fullReads, true),
    ("(c) full read, fed in 64-byte chunks", fullReadsChunked, true),
    ("(d) full read + card JSON line", fullReadsToJSON, false),
]

let col = [40, 13, 25, 10, 9, 11, 5]
func row(_ cells: [String]) {
    var line = ""
    for (i, c) in cells.enumerated() {
        if i > 0 { line += "  " }
        line += i < col.count ? pad(c, col[i], right: i > 0) : c
    }
    print(line)
}

let frameMeasurements = frameRows.filter { selected($0.name) }
if !frameMeasurements.isEmpty {
    row(["frames → records", "frames/s", "min … max", "µs/frame", "MB/s", "× wire", "cpu"])
    for r in frameMeasurements {
        let m = measure(r.name, settings, r.run)
        checksum &+= m.checksum
        lowestCPUShare = min(lowestCPUShare, m.cpuShare)
        var cells = [
            r.name, grouped(m.median), "\(grouped(m.min)) … \(grouped(m.max))",
            String(format: "%.2f", 1e6 / m.median), String(format: "%.0f", m.median * Double(frameSize) / 1e6),
            grouped(m.median / wireFramesPerSecond), percent(m.cpuShare),
        ]
        if r.target {
            cells.append(m.median >= targetFramesPerSecond ? "PASS (≥ 100,000/s)" : "FAIL (< 100,000/s)")
        }
        row(cells)
    }
    print("")
}

let blockMeasurements = blocks.filter { selected("text block " + $0.label) }
if !blockMeasurements.isEmpty {
    row(["text-block decode (256 bytes)", "blocks/s", "min … max", "µs/block", "MB/s", "", "cpu"])
    for b in blockMeasurements {
        let m = measure(b.label, settings) { decodeBlocks(b.bytes, $0) }
        checksum &+= m.checksum
        lowestCPUShare = min(lowestCPUShare, m.cpuShare)
        row([
            b.label, grouped(m.median), "\(grouped(m.min)) … \(grouped(m.max))",
            String(format: "%.2f", 1e6 / m.median), String(format: "%.1f", m.median * 256 / 1e6), "",
            percent(m.cpuShare),
        ])
    }
    print("")
}

print("× wire = frames/s ÷ \(String(format: "%.2f", wireFramesPerSecond)) (the most full reads a 115200-baud line can carry per second)")
print("cpu = share of the wall time the benchmark thread was on its core; "
    + (settings.cpuTime ? "rates are per second of that CPU time (--cpu-time)" : "rates are per wall-clock second"))
if lowestCPUShare < 0.95 && !settings.cpuTime {
    print("note: the machine was busy (down to \(percent(lowestCPUShare)) cpu): the figures are low; rerun when idle or with --cpu-time")
}
print("checksum \(String(checksum, radix: 16)) (keeps the work from being optimised away)")
