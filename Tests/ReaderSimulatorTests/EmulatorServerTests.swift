import Glibc
import IDCard
import SAMProtocol
import Synchronization
import Testing

@testable import ReaderSimulator

/// A server on a fresh temporary directory: link `DIR/ttySIM0`, control socket `DIR/ctl.sock`.
func startServer(
    deck: CardDeck = builtIn, initialCard: String? = nil, control: Bool = true, log: (@Sendable (String) -> Void)? = nil
) throws -> (EmulatorServer, String) {
    let dir = temporaryDirectory()
    let server = try EmulatorServer(
        configuration: .init(
            linkPath: dir + "/ttySIM0", controlPath: control ? dir + "/ctl.sock" : nil, deck: deck,
            initialCard: initialCard, log: log))
    return (server, dir)
}

@Suite("EmulatorServer on a real pty")
struct EmulatorServerTests {
    @Test("the link points at a raw pty; 11 FF is answered 90 over it")
    func statusOverPty() throws {
        let (server, dir) = try startServer()
        defer {
            server.stop()
            removeDirectory(dir)
        }
        #expect(server.devicePath.hasPrefix("/dev/pts/"))
        #expect(POSIX.readLink(server.linkPath) == server.devicePath)

        let host = try HostPort(path: server.linkPath)
        defer { host.close() }
        host.send([0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x11, 0xFF, 0xED])
        let answer = try #require(host.readFrame())
        #expect(answer.status == .ok)
        #expect(answer.data.isEmpty)
        // Binary bytes pass unmangled (0x0D, 0x0A, 0x11 0x13 are not translated in raw mode).
        #expect(host.ask(.readSAMID).flatMap { SAMID(bytes: $0.data) } == SAMEmulator.defaultSAMID)
    }

    @Test("place through the control socket, then find, select, read and address over the pty")
    func placeAndRead() throws {
        let (server, dir) = try startServer()
        defer {
            server.stop()
            removeDirectory(dir)
        }
        let control = try #require(server.controlPath)
        let host = try HostPort(path: server.linkPath)
        defer { host.close() }

        #expect(host.ask(.findCard)?.status == .findFailed)
        #expect(server.status.lastReadAnswerNanoseconds == nil)
        #expect(try ControlClient.send(.status, to: control).text.hasSuffix(" answered=-"))
        let reply = try ControlClient.send(.place("resident-addr"), to: control)
        #expect(reply == ControlReply(ok: true, "placed resident-addr resident"))

        let card = deckCard("resident-addr")
        #expect(host.ask(.findCard)?.status == .cardFound)
        #expect(host.ask(.selectCard)?.status == .ok)
        let read = try #require(host.ask(.readTextAndPhoto))
        #expect(read.status == .ok)
        let payload = try CardPayload.parse(read.data, withFingerprint: false)
        #expect(payload.text == card.textBlock)
        #expect(payload.photo == card.photo)
        let beforeAddress = EmulatorServer.monotonicNanoseconds()
        let address = try #require(host.ask(.readAppendedAddress))
        #expect(try AppendedAddressPayload.parse(address.data) == card.appendedAddresses)
        // The last read answer is stamped (CLOCK_MONOTONIC) right after its write returns, which may be
        // just after the host has the bytes; a find answer does not move the stamp.
        var answered = server.status.lastReadAnswerNanoseconds ?? 0
        for _ in 0..<100 where answered < beforeAddress {
            usleep(10_000)
            answered = server.status.lastReadAnswerNanoseconds ?? 0
        }
        #expect(answered >= beforeAddress && answered <= EmulatorServer.monotonicNanoseconds())
        #expect(host.ask(.findCard)?.status == .findFailed)
        #expect(server.status.lastReadAnswerNanoseconds == answered)
        #expect(try ControlClient.send(.status, to: control).text.hasSuffix(" answered=\(answered)"))

        #expect(try ControlClient.send(.status, to: control).text.hasPrefix("card=resident-addr read=yes"))
        #expect(try ControlClient.send(.remove, to: control) == ControlReply(ok: true, "removed resident-addr"))
        #expect(try ControlClient.send(.remove, to: control) == ControlReply(ok: true, "no card"))
        #expect(try ControlClient.send(.place("nobody"), to: control).ok == false)
        let random = try ControlClient.send(.placeRandom, to: control)
        #expect(random.ok && random.text.hasPrefix("placed random-1 "))
        #expect(host.ask(.findCard)?.status == .cardFound)
        let list = try ControlClient.send(.list, to: control)
        #expect(list.listEntries.map(\.name) == builtIn.names)
    }

    @Test("faults through the control socket shape the answers on the pty")
    func faultsOverPty() throws {
        let (server, dir) = try startServer(initialCard: "resident")
        defer {
            server.stop()
            removeDirectory(dir)
        }
        let control = try #require(server.controlPath)
        let host = try HostPort(path: server.linkPath)
        defer { host.close() }

        #expect(try ControlClient.send(.fault(EmulatorFault(.silence, on: CommandSelector(.findCard))), to: control).ok)
        #expect(host.ask(.findCard, milliseconds: 150) == nil, "silence: no answer")
        #expect(host.ask(.findCard)?.status == .cardFound, "the next find is answered")

        let faultReply = try ControlClient.send(try ControlRequest(line: "fault trickle:4 --on status"), to: control)
        #expect(faultReply == ControlReply(ok: true, "queued trickle:4ms --on status"))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(host.ask(.samStatus)?.status == .ok)
        #expect(clock.now - start >= .milliseconds(4 * 10), "11 bytes with 10 pauses of 4 ms")

        server.inject(EmulatorFault(.status(0x41), on: CommandSelector(.readTextAndPhoto)))
        #expect(host.ask(.readTextAndPhoto)?.status == .readFailed)
        #expect(host.ask(.readTextAndPhoto)?.status == .ok)
        #expect(server.status.faults.isEmpty)
    }

    @Test("the host can close and reopen the device; the server keeps answering")
    func reopen() throws {
        let (server, dir) = try startServer(control: false)
        defer {
            server.stop()
            removeDirectory(dir)
        }
        #expect(server.controlPath == nil)
        for _ in 0..<3 {
            let host = try HostPort(path: server.linkPath)
            #expect(host.ask(.samStatus)?.status == .ok)
            host.close()
        }
        server.place(deckCard("hk"))
        let host = try HostPort(path: server.linkPath)
        defer { host.close() }
        #expect(host.ask(.findCard)?.status == .cardFound)
        #expect(server.status.framesReceived == 4)
    }

    @Test("stop removes the link and the socket; the client then reports 模拟器未运行")
    func stopCleansUp() throws {
        let (server, dir) = try startServer()
        defer { removeDirectory(dir) }
        let control = try #require(server.controlPath)
        #expect(POSIX.fileType(server.linkPath) == POSIX.typeSymlink)
        #expect(POSIX.fileType(control) == POSIX.typeSocket)
        #expect(server.isRunning)
        server.stop()
        server.stop()  // idempotent
        #expect(!server.isRunning)
        #expect(POSIX.fileType(server.linkPath) == nil)
        #expect(POSIX.fileType(control) == nil)
        #expect {
            try ControlClient.send(.status, to: control)
        } throws: { error in
            guard let error = error as? ControlClientError, case .notRunning(control, false) = error else { return false }
            return error.description == "模拟器未运行 / simulator not running: no socket at \(control)"
        }
    }

    @Test("a stale link and a stale socket are replaced; a live server or a foreign file is not")
    func stalePaths() throws {
        let dir = temporaryDirectory()
        defer { removeDirectory(dir) }
        let link = dir + "/ttySIM0", control = dir + "/ctl.sock"
        #expect(symlink("/dev/pts/nonexistent", link) == 0)
        // A stale socket file: bound once, nobody listening.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try #require(POSIX.unixAddress(control))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(fd)
        #expect(throws: ControlClientError.notRunning(path: control, stale: true)) {
            try ControlClient.send(.status, to: control)
        }

        let server = try EmulatorServer(configuration: .init(linkPath: link, controlPath: control))
        defer { server.stop() }
        #expect(POSIX.readLink(link) == server.devicePath)
        #expect(try ControlClient.send(.status, to: control).ok)

        #expect(throws: EmulatorServerError.alreadyRunning(controlPath: control)) {
            try EmulatorServer(configuration: .init(linkPath: dir + "/ttySIM1", controlPath: control))
        }
        #expect(POSIX.fileType(dir + "/ttySIM1") == nil, "a failed start leaves no link behind")

        let file = dir + "/plain"
        let created = open(file, O_CREAT | O_WRONLY, 0o600)
        close(created)
        #expect(throws: EmulatorServerError.pathOccupied(file)) {
            try EmulatorServer(configuration: .init(linkPath: file, controlPath: nil))
        }
        #expect(throws: EmulatorServerError.unknownCard("nobody", known: builtIn.names)) {
            try EmulatorServer(configuration: .init(linkPath: dir + "/ttySIM2", controlPath: nil, initialCard: "nobody"))
        }
    }

    @Test("the control socket answers line by line, several requests per connection, and bad lines with error")
    func rawControlSocket() throws {
        let lines = Mutex<[String]>([])
        let (server, dir) = try startServer(log: { line in lines.withLock { $0.append(line) } })
        defer {
            server.stop()
            removeDirectory(dir)
        }
        guard case let .connected(fd) = POSIX.connectUnix(try #require(server.controlPath)) else {
            Issue.record("cannot connect")
            return
        }
        defer { close(fd) }
        let request = "place bad-check\nbogus\nfault torn --on read\nstatus\n"
        POSIX.writeAll(fd, Array(request.utf8), isSocket: true)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while received.filter({ $0 == 0x0A }).count < 4, POSIX.waitReadable(fd, milliseconds: 2000) {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { break }
            received += chunk[0..<n]
        }
        let replies = String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(replies.count == 4)
        #expect(replies.first == "ok placed bad-check resident")
        #expect(replies.dropFirst().first?.hasPrefix("error unknown request \"bogus\"") == true)
        #expect(replies.dropFirst(2).first == "ok queued torn --on read")
        #expect(replies.last?.hasPrefix("ok card=bad-check read=no faults=1 frames=0 device=/dev/pts/") == true)
        let logged = lines.withLock { $0 }
        #expect(logged.contains { $0.hasPrefix("placed bad-check resident ") && $0.contains("**********") })
    }
}
