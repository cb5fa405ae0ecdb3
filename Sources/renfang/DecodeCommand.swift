import ArgumentParser
import Foundation
import IDCard
import SAMProtocol

/// `renfang decode`: decodes captured SAM answer frames into card JSON.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode captured reader frames into card JSON, one object per card frame.",
        discussion: """
            Input is raw bytes, or hex text with --hex (spaces, commas, 0x prefixes and # comments ignored). \
            Frames that could not be decoded, and bytes thrown away, are listed on stderr with the reason. \
            Exit status: 0 when every card frame decoded and no bytes were thrown away, 1 otherwise, 66 when \
            the input cannot be read or is not valid hex.
            """
    )

    @Flag(name: .long, help: "The input is hex text instead of raw bytes.")
    var hex = false

    @Argument(help: "Capture file, or - for standard input.")
    var file: String = "-"

    func run() throws {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError("无法读取输入 \(file)：\(error.localizedDescription)")
            throw ExitCode(66)
        }
        var bytes = [UInt8](data)
        if hex {
            do {
                bytes = try HexText.parse(String(decoding: data, as: UTF8.self))
            } catch {
                printError("十六进制文本有误 / bad hex text: \(error)")
                throw ExitCode(66)
            }
        }
        var problems = 0
        var cards = 0
        for item in CaptureDecoder.decode(bytes) {
            switch item {
            case let .card(_, card):
                cards += 1
                print(card.jsonLine())
            case .skipped:
                break
            case let .undecodable(frame, reason):
                problems += 1
                printError("第 \(frame) 帧无法解码 / frame \(frame) not decoded: \(reason)")
            case let .discarded(count, reason):
                problems += 1
                printError("丢弃 \(count) 字节 / discarded \(count) byte(s): \(reason)")
            }
        }
        printError("\(cards) 张证件 / \(cards) card(s), \(problems) 个问题 / problem(s)")
        if problems > 0 { throw ExitCode(1) }
    }
}
