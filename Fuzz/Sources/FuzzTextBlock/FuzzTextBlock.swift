// FuzzTextBlock: the 256-byte card text block and the card JSON.
//
// Checked (a trap means a bug):
//  1. TextBlock.decode never traps, on the input as it is (any length) and on the input cut or padded to
//     exactly 256 bytes; a 256-byte block gets no textBlock.length warning, any other length does.
//  2. The decoded record's warnings have no duplicates.
//  3. Re-encoding the decoded 256-byte record (TextBlock.encode) and decoding it again gives the same
//     fields (warnings aside; a 'Y' English name compared with runs of spaces collapsed, see below).
//  4. CardRead(text:).jsonLine() is valid JSON (JSONSerialization parses it to an object) and decodes back
//     (JSONDecoder into CardRead) to an equal value — for both records, and with a photo, a fingerprint
//     and appended addresses taken from the input too.
import CFuzzSupport
import Foundation
import FuzzCommon
import IDCard
import SAMProtocol

func checkJSONRoundTrip(_ card: CardRead, _ input: [UInt8], _ what: String) {
    let line = card.jsonLine()
    if line.contains("\n") { fuzzFailure("\(what): jsonLine contains a newline: \(line)", input: input) }
    let data = Data(line.utf8)
    guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
        fuzzFailure("\(what): jsonLine is not a JSON object: \(line)", input: input)
    }
    let decoded: CardRead
    do {
        decoded = try JSONDecoder().decode(CardRead.self, from: data)
    } catch {
        fuzzFailure("\(what): jsonLine does not decode back: \(error)\n\(line)", input: input)
    }
    if decoded != card {
        fuzzFailure(
            "\(what): JSON round trip changed the record\n  before: \(card)\n  after:  \(decoded)\n  json:   \(line)",
            input: input)
    }
}

func checkText(_ text: CardText, expectLengthWarning: Bool, _ input: [UInt8], _ what: String) {
    if Set(text.warnings).count != text.warnings.count {
        fuzzFailure("\(what): duplicate warnings \(text.warnings.map(\.rawValue))", input: input)
    }
    if text.warnings.contains(.textBlockLength) != expectLengthWarning {
        fuzzFailure("\(what): textBlock.length warning \(expectLengthWarning ? "missing" : "unexpected")", input: input)
    }
}

/// `"A   B"` → `"A B"`.
func collapsingSpaces(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var previousWasSpace = false
    for c in s.unicodeScalars {
        if c == " " && previousWasSpace { continue }
        previousWasSpace = c == " "
        out.append(c)
    }
    return String(out)
}

func fuzzOne(_ input: [UInt8]) {
    // As it is.
    let asIs = TextBlock.decode(input)
    checkText(asIs, expectLengthWarning: input.count != TextBlock.size, input, "any length")

    // Exactly 256 bytes: cut, or padded with spaces (20 00).
    var block = Array(input.prefix(TextBlock.size))
    while block.count < TextBlock.size { block.append(block.count % 2 == 0 ? 0x20 : 0x00) }
    let text = TextBlock.decode(block)
    checkText(text, expectLengthWarning: false, input, "256 bytes")
    _ = text.sexText
    _ = text.nationText

    // A slice (not an Array) must decode the same way.
    let sliced = TextBlock.decode(([0xEE] + block)[1...])
    if sliced != text { fuzzFailure("decoding an ArraySlice differs from decoding the Array", input: input) }

    // Re-encoding a decoded record and decoding it again gives the same fields (the simulator and
    // `renfang decode` rely on TextBlock.encode being the inverse of decode on decoded records).
    let reencoded = TextBlock.encode(text)
    if reencoded.count != TextBlock.size { fuzzFailure("encode gave \(reencoded.count) bytes", input: input) }
    var again = TextBlock.decode(reencoded)
    var original = text
    again.warnings = []
    original.warnings = []
    // Known and inherent: on a 'Y' card a run of spaces where the English name crosses from part 1 to
    // part 2 is indistinguishable from part 1's padding, so its length is not kept. Compare the English
    // name with space runs collapsed.
    again.englishName = again.englishName.map(collapsingSpaces)
    original.englishName = original.englishName.map(collapsingSpaces)
    if again != original {
        fuzzFailure("decode(encode(decode(block))) differs from decode(block)\n  first:  \(original)\n  second: \(again)", input: input)
    }

    checkJSONRoundTrip(CardRead(text: text), input, "256-byte block")
    checkJSONRoundTrip(CardRead(text: asIs), input, "any-length block")

    // With the other fields filled from the input: photo, one fingerprint template, appended addresses.
    let tail = Array(input.dropFirst(TextBlock.size))
    let addresses = (try? AppendedAddressPayload.parse(Array(tail.prefix(AppendedAddressPayload.recordSize)))) ?? []
    let full = CardRead(
        text: text,
        photoWlt: tail.isEmpty ? nil : tail,
        fingerprints: tail.count >= 2 ? [Array(tail.prefix(tail.count / 2))] : [],
        appendedAddresses: addresses,
        samId: tail.count >= 16 ? SAMID(bytes: tail.prefix(16))?.description : nil,
        reader: "fuzz",
        extraWarnings: tail.isEmpty ? [] : [.photoBadHeader]
    )
    checkJSONRoundTrip(full, input, "card with photo, fingerprint and addresses")
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
@_cdecl("FuzzTextBlock_main")
public func fuzzTextBlockMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    renfang_run_fuzzer(argc, argv) { data, size in fuzzerTestOneInput(data, size) }
}
