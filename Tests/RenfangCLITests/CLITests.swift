import Foundation
import IDCard
import ReaderSimulator
import SAMProtocol
import Testing

/// The `renfang` binary next to this test bundle (swift build --build-tests builds both into one folder).
let renfangBinary: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("renfang")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/renfang")
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `renfang ARGS` to completion, with optional stdin.
func renfang(_ arguments: [String], stdin: Data? = nil, timeout: Double = 30) throws -> Run {
    try command(renfangBinary.path, arguments, stdin: stdin, timeout: timeout)
}

/// Runs a program to completion, with optional stdin; kills it after `timeout` seconds.
func command(_ path: String, _ arguments: [String], stdin: Data? = nil, timeout: Double = 30,
             environment: [String: String]? = nil) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    if let environment { p.environment = environment }
    p.arguments = arguments
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let stdin { inp.fileHandleForWriting.write(stdin) }
    try inp.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeout)
    let outData = SendableBox<Data>(), errData = SendableBox<Data>()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { outData.value = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { errData.value = err.fileHandleForReading.readDataToEndOfFile() }
    while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if p.isRunning { p.terminate() }
    p.waitUntilExit()
    group.wait()
    return Run(status: p.terminationStatus, stdout: String(decoding: outData.value ?? Data(), as: UTF8.self),
               stderr: String(decoding: errData.value ?? Data(), as: UTF8.self))
}

final class SendableBox<T>: @unchecked Sendable { var value: T? }

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-cli-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("renfang CLI", .serialized)
struct CLITests {
    @Test("sim serve + sim place + read: every card type comes out as one JSON line per card")
    func simServeAndRead() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pty = dir.appendingPathComponent("ttySIM0").path
        let control = dir.appendingPathComponent("sim.sock").path
        let serve = Process()
        serve.executableURL = renfangBinary
        serve.arguments = ["sim", "serve", "--pty", pty, "--control", control]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { serve.terminate(); serve.waitUntilExit() }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: control) { Thread.sleep(forTimeInterval: 0.05) }
        #expect(FileManager.default.fileExists(atPath: pty), "sim serve made the pty link")

        let deck = CardDeck.builtIn()
        for (name, type) in [("resident-fp", CardType.resident), ("hk", .hkMacaoTaiwan),
                             ("foreigner2017", .foreigner2017), ("foreigner2023", .foreigner2023)] {
            let place = try renfang(["sim", "place", name, "--control", control])
            #expect(place.status == 0, "sim place \(name): \(place.stderr)")
            let read = try renfang(["read", "--device", "serial:\(pty)", "--fingerprint", "--count", "1", "--timeout", "10"])
            #expect(read.status == 0, "read \(name): \(read.stderr)")
            let lines = read.stdout.split(separator: "\n")
            #expect(lines.count == 1, "one line per card")
            let card = try CardRead(jsonLine: String(lines.first ?? ""))
            #expect(card.text.cardType == type)
            #expect(card.text == deck.card(named: name)?.text.decoded)
            #expect(card.samId == SAMEmulator.defaultSAMID.description)
            if name == "resident-fp" { #expect(card.fingerprints.count == 2) }
            // Nothing personal on stderr.
            #expect(!read.stderr.contains(card.text.idNumber ?? "∅"))
            let remove = try renfang(["sim", "remove", "--control", control])
            #expect(remove.status == 0)
        }
    }

    @Test("read --any: a reader found by glob while waiting gives the first card")
    func readAny() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pty = dir.appendingPathComponent("ttyANY").path
        // The reader is plugged in only after `read --any` has started: found by the rescan, then read.
        let reader = Process()
        reader.executableURL = renfangBinary
        reader.arguments = ["read", "--any", "--glob", dir.path + "/tty*", "--no-usb", "--no-pcsc", "--timeout", "20"]
        let out = Pipe()
        reader.standardOutput = out
        reader.standardError = FileHandle.nullDevice
        try reader.run()
        Thread.sleep(forTimeInterval: 1.0)
        let server = try EmulatorServer(configuration: .init(linkPath: pty, controlPath: nil, initialCard: "macau"))
        defer { server.stop() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0)
        let card = try CardRead(jsonLine: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(card.text.cardType == .hkMacaoTaiwan)
        #expect(card.reader == "serial:\(pty)")
    }

    @Test("read: a device that cannot be opened exits 1 with a message naming it; a bad name exits 64")
    func readErrors() throws {
        let missing = try renfang(["read", "--device", "serial:/dev/renfang-missing", "--count", "1"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("无法打开读卡器 serial:/dev/renfang-missing"))
        let bad = try renfang(["read", "--device", "bluetooth:x"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("读卡器名称无效"))
    }

    @Test("read: a tty where nothing answers exits 2")
    func readNoAnswer() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // An emulator that never answers status: every attempt silenced.
        let link = dir.appendingPathComponent("tty").path
        let server = try EmulatorServer(configuration: .init(linkPath: link, controlPath: nil))
        defer { server.stop() }
        server.inject(EmulatorFault(.silence, count: 1000))
        let run = try renfang(["read", "--device", link, "--count", "1", "--timeout", "20"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("读卡器无应答"))
    }

    @Test("decode: captured frames (hex and raw) give the same JSON as a live read; problems are listed")
    func decodeCapture() throws {
        let deck = CardDeck.builtIn()
        var emulator = SAMEmulator()
        var capture: [UInt8] = []
        for name in ["resident-addr", "macau", "foreigner2023-long"] {
            emulator.place(deck.card(named: name)!)
            for command in [SAMCommand.findCard, .selectCard, .readTextAndPhoto, .readAppendedAddress] {
                capture += command.encoded()
                capture += emulator.answer(to: command.frame).encoded()
            }
            emulator.remove()
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hexFile = dir.appendingPathComponent("capture.hex")
        try (HexText.format(capture) + "\n").write(to: hexFile, atomically: true, encoding: .utf8)

        let hex = try renfang(["decode", "--hex", hexFile.path])
        #expect(hex.status == 0, "\(hex.stderr)")
        let cards = try hex.stdout.split(separator: "\n").map { try CardRead(jsonLine: String($0)) }
        #expect(cards.map(\.text.cardType) == [.resident, .hkMacaoTaiwan, .foreigner2023])
        #expect(cards[0].appendedAddresses == deck.card(named: "resident-addr")!.appendedAddresses)
        #expect(cards[2].text == deck.card(named: "foreigner2023-long")!.text.decoded)

        let raw = try renfang(["decode", "-"], stdin: Data(capture))
        #expect(raw.stdout == hex.stdout)

        // Corrupt one byte in the second card's answer and cut the capture short.
        var broken = capture
        broken[capture.count / 2] ^= 0x40
        let bad = try renfang(["decode"], stdin: Data(broken.dropLast(10)))
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad checksum"))
        #expect(bad.stderr.contains("cut off"))
        let survivors = try bad.stdout.split(separator: "\n").map { try CardRead(jsonLine: String($0)) }
        #expect(survivors.map(\.text.cardType) == [.resident, .foreigner2023], "the corrupted card is dropped, the others decode")

        let notHex = try renfang(["decode", "--hex"], stdin: Data("AA AA zz".utf8))
        #expect(notHex.status == 66)
        #expect(notHex.stderr.contains("line 1"))
    }
}
