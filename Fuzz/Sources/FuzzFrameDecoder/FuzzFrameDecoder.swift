// FuzzFrameDecoder: the GA 467 frame decoder and every parser that reads a decoded frame.
//
// Input format: FrameFuzzInput (configuration byte, chunk sizes, byte stream). Invariants checked (a trap
// means a bug):
//  1. The stream fed in the input's chunks and the stream fed all at once give the same sequence of
//     complete frames, and leave the same number of bytes buffered.
//  2. After each drain (next() returned nil) the decoder holds at most maximumBufferedBytes.
//  3. Accounting: frames (with their 8 bytes of framing) + discarded bytes + buffered bytes = bytes fed.
//  4. Every frame body is within the decoder's size limits, and re-encoding it gives a frame that a
//     fresh decoder decodes back to the same body.
//  5. ResponseFrame / CommandFrame / SAMID / CardPayload round-trip their bytes; no parser traps
//     (CardPayload.parse in both fingerprint modes, AppendedAddressPayload.parse, cardRead(),
//     CaptureDecoder.decode, HexText.parse).
import CFuzzSupport
import FuzzCommon
import IDCard
import SAMProtocol

/// Frame bodies and the byte accounting of one decoding pass.
struct Pass {
    var frames: [[UInt8]] = []
    var consumed = 0
    var fed = 0
}

func record(_ event: FrameDecoder.Event, into pass: inout Pass, _ input: [UInt8]) {
    switch event {
    case let .frame(body):
        pass.frames.append(body)
        pass.consumed += Frame.headerSize + body.count + 1
    case let .discarded(_, count):
        if count <= 0 { fuzzFailure("discarded event with count \(count)", input: input) }
        pass.consumed += count
    }
}

func checkDrained(_ decoder: FrameDecoder, _ pass: Pass, _ input: [UInt8], _ what: String) {
    if decoder.bufferedByteCount > decoder.maximumBufferedBytes {
        fuzzFailure(
            "\(what): \(decoder.bufferedByteCount) bytes buffered after draining, more than maximumBufferedBytes "
                + "\(decoder.maximumBufferedBytes)", input: input)
    }
    if pass.consumed + decoder.bufferedByteCount != pass.fed {
        fuzzFailure(
            "\(what): accounting: \(pass.consumed) consumed + \(decoder.bufferedByteCount) buffered ≠ \(pass.fed) fed",
            input: input)
    }
}

func exerciseFrame(_ body: [UInt8], _ fuzz: FrameFuzzInput, _ input: [UInt8]) {
    if body.count < fuzz.minimumBodySize || body.count > fuzz.maximumBodySize {
        fuzzFailure("frame body of \(body.count) bytes outside \(fuzz.minimumBodySize)…\(fuzz.maximumBodySize)", input: input)
    }

    // Re-encode and decode again.
    var fresh = FrameDecoder(minimumBodySize: fuzz.minimumBodySize, maximumBodySize: fuzz.maximumBodySize)
    let again = fresh.decode(Frame.encode(body: body))
    if again != [.frame(body)] { fuzzFailure("re-encoded frame decodes to \(again)", input: input) }

    // Host → SAM.
    if let command = CommandFrame(body: body) {
        if command.body != body { fuzzFailure("CommandFrame body round trip", input: input) }
        if let known = SAMCommand(frame: command) {
            _ = known.name
            // SAMCommand(frame:) ignores data after CMD PARA on commands that take none (`20 01 xx` is
            // find card), so only CMD PARA must match.
            let f = known.frame
            if f.command != command.command || f.parameter != command.parameter {
                fuzzFailure("SAMCommand \(known.name) does not give back its CMD PARA", input: input)
            }
        }
    }

    // SAM → host.
    guard let response = ResponseFrame(body: body) else {
        if body.count >= 3 { fuzzFailure("ResponseFrame(body:) nil for \(body.count) bytes", input: input) }
        return
    }
    if response.body != body { fuzzFailure("ResponseFrame body round trip", input: input) }
    _ = response.status.kind
    _ = response.status.chineseText
    _ = response.status.description
    let data = response.data

    if let id = SAMID(bytes: data) {
        if id.bytes != data { fuzzFailure("SAMID bytes round trip", input: input) }
        _ = id.description
    }

    for withFingerprint in [false, true] {
        if let payload = try? CardPayload.parse(data, withFingerprint: withFingerprint) {
            if payload.encoded(withFingerprint: withFingerprint) != data {
                fuzzFailure("CardPayload round trip (fingerprint \(withFingerprint))", input: input)
            }
            let card = payload.cardRead()
            _ = card.warnings
            _ = payload.fingerprintTemplates
        }
    }
    if let addresses = try? AppendedAddressPayload.parse(data) {
        _ = AppendedAddressPayload.encode(addresses)
    }
}

func fuzzOne(_ input: [UInt8]) {
    let fuzz = input.withUnsafeBytes { FrameFuzzInput($0) }
    let stream = fuzz.stream

    // Reference: everything at once.
    var whole = FrameDecoder(minimumBodySize: fuzz.minimumBodySize, maximumBodySize: fuzz.maximumBodySize)
    var reference = Pass()
    reference.fed = stream.count
    for event in whole.decode(stream) { record(event, into: &reference, input) }
    checkDrained(whole, reference, input, "all at once")

    // In the input's chunks.
    var chunked = FrameDecoder(minimumBodySize: fuzz.minimumBodySize, maximumBodySize: fuzz.maximumBodySize)
    var pass = Pass()
    for chunk in fuzz.chunks {
        chunked.feed(chunk)
        pass.fed += chunk.count
        while let event = chunked.next() { record(event, into: &pass, input) }
        checkDrained(chunked, pass, input, "chunked")
    }
    if pass.frames != reference.frames {
        fuzzFailure(
            "chunked decoding found \(pass.frames.count) frames \(pass.frames.map(\.count)), all-at-once "
                + "\(reference.frames.count) \(reference.frames.map(\.count))", input: input)
    }
    if chunked.bufferedByteCount != whole.bufferedByteCount {
        fuzzFailure(
            "chunked decoding left \(chunked.bufferedByteCount) bytes buffered, all-at-once \(whole.bufferedByteCount)",
            input: input)
    }

    // Giving up on partial frames (what a transport does on a timeout) after chunks whose size byte is odd.
    if fuzz.abandonPass {
        var d = FrameDecoder(minimumBodySize: fuzz.minimumBodySize, maximumBodySize: fuzz.maximumBodySize)
        var p = Pass()
        for (i, chunk) in fuzz.chunks.enumerated() {
            d.feed(chunk)
            p.fed += chunk.count
            while let event = d.next() { record(event, into: &p, input) }
            checkDrained(d, p, input, "abandon pass")
            let sizes = fuzz.chunkSizes
            if !sizes.isEmpty, sizes[i % sizes.count] & 1 == 1, let event = d.abandonPartialFrame() {
                record(event, into: &p, input)
                while let event = d.next() { record(event, into: &p, input) }
                checkDrained(d, p, input, "abandon pass, after abandonPartialFrame")
            }
        }
        // At the end of a capture everything left is given up.
        while let event = d.abandonPartialFrame() {
            record(event, into: &p, input)
            while let event = d.next() { record(event, into: &p, input) }
        }
        checkDrained(d, p, input, "abandon pass, end")
        if d.bufferedByteCount != 0 { fuzzFailure("\(d.bufferedByteCount) bytes left after abandoning everything", input: input) }
    }

    for body in reference.frames { exerciseFrame(body, fuzz, input) }

    // The offline capture decoder (renfang decode) over the raw stream, and as hex text.
    _ = CaptureDecoder.decode(stream)
    _ = try? HexText.parse(String(decoding: stream, as: UTF8.self))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzOne(input)
    return 0
}

/// SwiftPM links executables with `--defsym main=<Module>_main` (so that tests can link them); with
/// -parse-as-library no such symbol is generated, so it is defined here and starts libFuzzer's driver.
/// Where SwiftPM does not rename the entry point, libFuzzer's own main is used and this is unused.
@_cdecl("FuzzFrameDecoder_main")
public func fuzzFrameDecoderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    renfang_run_fuzzer(argc, argv) { data, size in fuzzerTestOneInput(data, size) }
}
