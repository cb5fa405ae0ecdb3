import Testing
@testable import SAMProtocol

/// A little stream of frames of every size class, with the bodies they carry.
private func sampleStream() -> (bytes: [UInt8], bodies: [[UInt8]]) {
    let photo = [0x57, 0x4C] + (0..<1022).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    let text = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 11) }
    let frames: [ResponseFrame] = [
        ResponseFrame(status: .ok),
        ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]),
        ResponseFrame(status: .ok, data: CardPayload(text: text, photo: photo).encoded(withFingerprint: false)),
        ResponseFrame(status: .findFailed),
        // A body that itself contains the preamble must not confuse the decoder.
        ResponseFrame(status: .ok, data: Frame.preamble + [0x00, 0x03, 0xAA, 0xAA, 0xAA]),
        ResponseFrame(sw1: 0x6A, sw2: 0x82, status: .readFailed),
    ]
    return (frames.flatMap { $0.encoded() }, frames.map(\.body))
}

private func frames(_ events: [FrameDecoder.Event]) -> [[UInt8]] {
    events.compactMap { if case let .frame(b) = $0 { b } else { nil } }
}

@Suite("Frame decoder")
struct FrameDecoderTests {
    @Test("all at once")
    func allAtOnce() {
        let (bytes, bodies) = sampleStream()
        var d = FrameDecoder(minimumBodySize: 3)
        let events = d.decode(bytes)
        #expect(events.allSatisfy { if case .frame = $0 { true } else { false } })
        #expect(frames(events) == bodies)
        #expect(d.bufferedByteCount == 0)
    }

    @Test("one byte at a time")
    func byteByByte() {
        let (bytes, bodies) = sampleStream()
        var d = FrameDecoder(minimumBodySize: 3)
        var events: [FrameDecoder.Event] = []
        for b in bytes { events += d.decode([b]) }
        #expect(frames(events) == bodies)
        #expect(events.count == bodies.count)
    }

    @Test("split in two at every position")
    func everySplit() {
        let (bytes, bodies) = sampleStream()
        for cut in 0...bytes.count {
            var d = FrameDecoder(minimumBodySize: 3)
            let events = d.decode(bytes[..<cut]) + d.decode(bytes[cut...])
            #expect(frames(events) == bodies, "split at \(cut)")
            #expect(events.count == bodies.count, "split at \(cut)")
        }
    }

    @Test("garbage before, between and after frames is skipped and reported")
    func garbage() {
        let a = SAMCommand.findCard.encoded(), b = SAMCommand.readSAMID.encoded()
        var d = FrameDecoder()
        let events = d.decode([0x00, 0x13, 0xAA, 0x96] + a + [0xAA, 0xAA, 0x01] + b + [0xAA, 0xAA])
        #expect(frames(events) == [[0x20, 0x01], [0x12, 0xFF]])
        #expect(events.first == .discarded(.garbage, count: 4))
        #expect(events.contains(.discarded(.garbage, count: 3)))
        // The trailing AA AA may start a frame: kept, not discarded.
        #expect(d.bufferedByteCount == 2)
    }

    @Test("a bad checksum is rejected without losing the next frame")
    func badChecksum() {
        var broken = SAMCommand.findCard.encoded()
        broken[broken.count - 1] ^= 0xFF
        var d = FrameDecoder()
        let events = d.decode(broken + SAMCommand.selectCard.encoded())
        #expect(events.first == .discarded(.badChecksum(expected: 0x22, received: 0xDD), count: broken.count))
        #expect(frames(events) == [[0x20, 0x02]])
    }

    @Test("absurd lengths (too short, too long) are rejected without losing sync")
    func absurdLength() {
        let next = SAMCommand.samStatus.encoded()
        for length: [UInt8] in [[0x00, 0x00], [0x00, 0x01], [0xFF, 0xFF], [0x20, 0x00]] {
            var d = FrameDecoder()
            let events = d.decode(Frame.preamble + length + [0x01, 0x02] + next)
            let expectedLength = Int(length[0]) << 8 | Int(length[1])
            #expect(events.first == .discarded(.badLength(expectedLength), count: 9), "length \(length)")
            #expect(frames(events) == [[0x11, 0xFF]], "length \(length)")
        }
    }

    @Test("a torn frame followed by a good one: the good one is found once the torn one is abandoned")
    func tornFrame() {
        let good = ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]).encoded()
        let text = [UInt8](repeating: 0x20, count: 256)
        let big = ResponseFrame(status: .ok, data: CardPayload(text: text, photo: [0x57, 0x4C] + [UInt8](repeating: 0, count: 1022))
            .encoded(withFingerprint: false)).encoded()
        var d = FrameDecoder(minimumBodySize: 3)
        // The first 300 bytes of a 1295-byte frame, then a complete short frame: the decoder waits for more.
        var events = d.decode(big.prefix(300) + good)
        #expect(frames(events).isEmpty)
        // The session's timeout gives up the torn frame; the good frame behind it comes out.
        let dropped = d.abandonPartialFrame()
        #expect(dropped == .discarded(.abandoned, count: 300))
        events = []
        while let e = d.next() { events.append(e) }
        #expect(frames(events) == [[0x00, 0x00, 0x9F, 0, 0, 0, 0]])
        #expect(d.abandonPartialFrame() == nil)
    }

    @Test("the buffer is bounded: garbage never accumulates, an incomplete frame is at most one frame")
    func bounded() {
        var d = FrameDecoder(minimumBodySize: 3)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let chunk = (0..<997).map { _ in UInt8.random(in: 0...255, using: &rng) & 0x7F }  // never 0xAA
            _ = d.decode(chunk)
            #expect(d.bufferedByteCount == 0)
        }
        // A header that promises the maximum body: held, but never more than one frame.
        _ = d.decode(Frame.preamble + [0x10, 0x01] + [UInt8](repeating: 1, count: 5000))
        #expect(d.bufferedByteCount <= d.maximumBufferedBytes)
    }

    @Test("random corruption never traps and good frames after it are still found")
    func randomCorruption() {
        var rng = SplitMix(seed: 42)
        let (bytes, bodies) = sampleStream()
        for _ in 0..<300 {
            var corrupted = bytes
            for _ in 0..<Int(rng.next() % 6) {
                let i = Int(rng.next() % UInt64(corrupted.count))
                corrupted[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            var d = FrameDecoder(minimumBodySize: 3)
            var events = d.decode(corrupted)
            while let e = d.abandonPartialFrame() { events.append(e); while let n = d.next() { events.append(n) } }
            // Everything is either a frame or discarded; then a clean frame decodes.
            let clean = SAMCommand.findCard.frame
            let tail = d.decode(ResponseFrame(status: .ok, data: clean.body).encoded())
            #expect(frames(tail).last == [0, 0, 0x90] + clean.body)
            #expect(frames(events).count <= bodies.count + 2)
        }
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
