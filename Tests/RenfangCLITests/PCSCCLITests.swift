import Foundation
import Glibc
import IDCard
import Testing

let pcscdAvailable = FileManager.default.isExecutableFile(atPath: "/usr/sbin/pcscd")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")

/// A private pcscd for the CLI tests (Tests/Fixtures/pcsc/pcsc-rig.sh); the CLI child processes reach it
/// through PCSCLITE_CSOCK_NAME in their environment.
final class CLIPCSCRig {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pcsc")
    let dir: URL
    let port: Int
    var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging(["PCSCLITE_CSOCK_NAME": dir.appendingPathComponent("run/pcscd.comm").path]) { $1 }
    }
    var readerName: String { "Rig \(port) 00 00" }

    init() throws {
        dir = try temporaryDirectory()
        port = try Self.freePortPair()
        let start = try command("/bin/bash", [Self.fixtures.appendingPathComponent("pcsc-rig.sh").path, "start", dir.path, "\(port)"],
                                environment: ProcessInfo.processInfo.environment.merging(["RIG_WATCH_PID": "\(getpid())"]) { $1 })
        guard start.status == 0 else { throw POSIXError(.EIO) }
    }

    /// A port P with P and P+1 free on 127.0.0.1 and 0.0.0.0 (vpcd listens on both of an entry's ports),
    /// found by binding — never by connecting, which vpcd would take for a card.
    static func freePortPair() throws -> Int {
        func free(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr = in_addr(s_addr: 0)
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }
        for _ in 0..<200 {
            let p = Int.random(in: 20_000...40_000) & ~1
            if free(p) && free(p + 1) { return p }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// Puts a card with this number on the reader (until `remove`).
    func card(_ number: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [Self.fixtures.appendingPathComponent("virtual_card.py").path, "--port", "\(port)", "--card", number, "--die-with-parent"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func stop() {
        _ = try? command("/bin/bash", [Self.fixtures.appendingPathComponent("pcsc-rig.sh").path, "stop", dir.path])
        try? FileManager.default.removeItem(at: dir)
    }
}

@Suite("renfang CLI with PC/SC readers (private pcscd + vpcd + virtual card)", .serialized,
       .enabled(if: pcscdAvailable, "pcscd or unshare is not installed (scripts/setup installs them)"))
struct PCSCCLITests {
    @Test("readers lists the PC/SC reader; read --device pcsc:NAME prints the card number as physicalOnly")
    func readersAndRead() throws {
        let rig = try CLIPCSCRig()
        defer { rig.stop() }
        let list = try command(renfangBinary.path, ["readers", "--json"], environment: rig.environment)
        #expect(list.status == 0, "\(list.stderr)")
        let readers = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(readers.contains { $0["deviceName"] as? String == "pcsc:\(rig.readerName)" && $0["kind"] as? String == "pcsc" },
                "\(list.stdout)")

        let card = try rig.card("0123456789ABCDEF")
        defer { card.terminate() }
        let read = try command(renfangBinary.path, ["read", "--device", "pcsc:\(rig.readerName)", "--count", "1", "--timeout", "15"],
                               environment: rig.environment)
        #expect(read.status == 0, "\(read.stderr)")
        let cardRead = try CardRead(jsonLine: read.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(cardRead.text.cardType == .physicalOnly)
        #expect(cardRead.cardNumber == "0123456789ABCDEF")
        #expect(cardRead.reader == "pcsc:\(rig.readerName)")
    }

    @Test("read --device pcsc:NAME for a reader that does not exist exits 1 naming it")
    func missingReader() throws {
        let rig = try CLIPCSCRig()
        defer { rig.stop() }
        let read = try command(renfangBinary.path, ["read", "--device", "pcsc:No Such Reader", "--count", "1", "--timeout", "10"],
                               environment: rig.environment)
        #expect(read.status == 1, "\(read.stderr)")
        #expect(read.stderr.contains("无法打开读卡器 pcsc:No Such Reader"))
    }
}
