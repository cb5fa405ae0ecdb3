// FuzzSeeds: writes the seed corpora, Fuzz/seeds/FuzzFrameDecoder and Fuzz/seeds/FuzzTextBlock.
// Synthetic data only (FuzzCommon.Samples). Run by scripts/fuzz --seeds, or by hand:
//   Fuzz/.build/debug/FuzzSeeds Fuzz/seeds
import Foundation
import FuzzCommon
import IDCard
import SAMProtocol

@main
struct FuzzSeeds {
    static func main() throws {
        let root = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "seeds"
        var written = 0
        for (target, seeds) in [("FuzzFrameDecoder", frameSeeds()), ("FuzzTextBlock", textBlockSeeds())] {
            let dir = URL(fileURLWithPath: root).appendingPathComponent(target)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, bytes) in seeds {
                try Data(bytes).write(to: dir.appendingPathComponent(name))
                written += 1
            }
        }
        print("wrote \(written) seed files under \(root)/")
    }

    // MARK: - Frames

    static let host: UInt8 = 0x00  // minimumBodySize 2, default maximum
    static let sam: UInt8 = 0x01  // minimumBodySize 3, default maximum

    static func answer(_ status: SAMStatus, _ data: [UInt8] = [], sw1: UInt8 = 0, sw2: UInt8 = 0) -> [UInt8] {
        ResponseFrame(sw1: sw1, sw2: sw2, status: status, data: data).encoded()
    }

    static func frameSeeds() -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        func add(_ name: String, _ configuration: UInt8, _ chunks: [UInt8], _ stream: [UInt8]) {
            seeds.append((name, FrameFuzzInput(configuration: configuration, chunkSizes: chunks, stream: stream).bytes))
        }

        // Every command, host → SAM.
        let commands: [SAMCommand] = [
            .resetSAM, .samStatus, .readSAMID, .findCard, .selectCard, .readTextAndPhoto,
            .readTextPhotoAndFingerprint, .readAppendedAddress, .readCardSerial, .setBaudRate(.b115200),
            .setBaudRate(.b9600), .setMaximumRFFrame(0x50),
        ]
        for command in commands {
            add("cmd-\(command.name)-\(hexString(command.frame.body).replacingOccurrences(of: " ", with: ""))", host, [3], command.encoded())
        }

        // Every answer, SAM → host.
        let samID = SAMID(a: 5, b: 1, c: 20_101_018, d: 12_345_678, e: 1_234_567_890).bytes
        add("ans-ok", sam, [], answer(.ok))
        add("ans-samid", sam, [7, 1], answer(.ok, samID))
        add("ans-find-found", sam, [2], answer(.cardFound, [0, 0, 0, 0]))
        add("ans-find-nocard", sam, [5], answer(.findFailed))
        add("ans-select-ok", sam, [4], answer(.ok, [0, 0, 0, 0, 0, 0, 0, 0]))
        add("ans-select-failed", sam, [9], answer(.selectFailed))
        add("ans-serial", sam, [64], answer(.ok, [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]))
        add("ans-read-failed", sam, [1], answer(.readFailed, sw1: 0x6A, sw2: 0x82))
        add("ans-host-checksum-error", sam, [], answer(.hostChecksumError))
        add("ans-unknown-status", sam, [3], answer(SAMStatus(rawValue: 0x77)))
        add("ans-address-none", sam, [6], answer(.itemEmpty))
        add("ans-address-1", sam, [64], answer(.ok, AppendedAddressPayload.encode(["测试省示例市新地址路9号"])))
        add(
            "ans-address-4", sam, [64, 1],
            answer(.ok, AppendedAddressPayload.encode(["地址一", "地址二", "地址三", "测试路\u{20BB7}号"])))

        // Card answers: 30 01 for every card type (in USB-sized chunks), 30 10 with 1 and 2 fingerprints.
        for (label, text) in Samples.all + Samples.edgeCases {
            let name = label.split(separator: " ").first.map(String.init) ?? label
            add("ans-read-\(name)", sam, [64], Samples.readFrame(text))
        }
        let block = TextBlock.encode(Samples.resident)
        let template = (0..<CardPayload.fingerprintTemplateSize).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        add(
            "ans-read-fp1", sam | 2, [200, 63],
            answer(.ok, CardPayload(text: block, photo: Samples.photo, fingerprint: template).encoded(withFingerprint: true)))
        add(
            "ans-read-fp2", sam, [255],
            answer(.ok, CardPayload(text: block, photo: Samples.photo, fingerprint: template + template).encoded(withFingerprint: true)))

        // A session on the line: commands and answers with noise, a corrupted frame, a torn frame at the end.
        var corrupted = answer(.cardFound, [0, 0, 0, 0])
        corrupted[corrupted.count - 1] ^= 0x5A
        let session: [UInt8] =
            [0x00, 0xFF, 0xAA, 0xAA] + SAMCommand.findCard.encoded() + answer(.findFailed)
            + SAMCommand.findCard.encoded() + corrupted + answer(.cardFound, [0, 0, 0, 0])
            + SAMCommand.selectCard.encoded() + answer(.ok, [0, 0, 0, 0, 0, 0, 0, 0])
            + [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF]  // impossible length
            + SAMCommand.readAppendedAddress.encoded() + answer(.itemEmpty)
            + Array(SAMCommand.readTextAndPhoto.encoded().prefix(8))  // torn
        add("session-noisy-host", host | 8, [1, 2, 3, 64, 5], session)
        add("session-noisy-sam-tiny-max", sam | 6 | 8, [17, 0, 9], session)
        return seeds
    }

    // MARK: - Text blocks

    static func textBlockSeeds() -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for (label, text) in Samples.all + Samples.edgeCases {
            let name = label.split(separator: " ").first.map(String.init) ?? label
            seeds.append(("block-\(name)", TextBlock.encode(text)))
        }
        var unknownMarker = TextBlock.encode(Samples.resident)
        unknownMarker[248] = 0x5A  // 'Z'
        seeds.append(("block-unknown-marker", unknownMarker))
        // A block followed by a photo-like tail (used for photo, fingerprint and appended address).
        seeds.append(("block-with-tail", TextBlock.encode(Samples.hkMacaoTaiwan) + Array(Samples.photo.prefix(100))))
        seeds.append(("block-short", Array(TextBlock.encode(Samples.foreigner2017).prefix(131))))
        return seeds
    }
}

/// libFuzzer's runtime (linked by -sanitize=fuzzer into every executable of this package) needs this
/// symbol; the seed writer never fuzzes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }
