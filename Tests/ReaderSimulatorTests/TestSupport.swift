import Glibc
import IDCard
import SAMProtocol
import Testing

@testable import ReaderSimulator

/// Decodes SAM → host bytes; every answer must pass the decoder's length and checksum checks.
func decodeResponses(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [ResponseFrame] {
    var decoder = FrameDecoder(minimumBodySize: 3)
    var frames: [ResponseFrame] = []
    for event in decoder.decode(bytes) {
        switch event {
        case let .frame(body):
            if let frame = ResponseFrame(body: body) { frames.append(frame) }
        case let .discarded(reason, count):
            Issue.record("answer bytes discarded: \(reason) ×\(count)", sourceLocation: sourceLocation)
        }
    }
    #expect(decoder.bufferedByteCount == 0, "incomplete answer left over", sourceLocation: sourceLocation)
    return frames
}

extension SAMEmulator {
    /// Sends one command and returns its single, well-formed answer.
    mutating func ask(_ command: SAMCommand, sourceLocation: SourceLocation = #_sourceLocation) -> ResponseFrame? {
        ask(bytes: command.encoded(), sourceLocation: sourceLocation)
    }

    mutating func ask(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> ResponseFrame? {
        let outputs = receive(bytes)
        #expect(outputs.allSatisfy { if case .write = $0 { true } else { false } }, sourceLocation: sourceLocation)
        let frames = decodeResponses(outputs.writtenBytes, sourceLocation: sourceLocation)
        #expect(frames.count == 1, "expected exactly one answer, got \(frames.count)", sourceLocation: sourceLocation)
        return frames.first
    }

    /// The SW3 of the answer to `command`.
    mutating func status(of command: SAMCommand, sourceLocation: SourceLocation = #_sourceLocation) -> UInt8? {
        ask(command, sourceLocation: sourceLocation)?.status.rawValue
    }
}

/// The built-in deck (generated once per process).
let builtIn = CardDeck.builtIn()

func deckCard(_ name: String) -> DeckCard {
    guard let card = builtIn.card(named: name) else {
        fatalError("built-in deck has no \(name)")
    }
    return card
}

/// A fresh directory under /tmp for one test's pty link and socket (short: socket paths hold 107 bytes).
func temporaryDirectory() -> String {
    var template = Array("/tmp/rfsim-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: path!)
}

func removeDirectory(_ path: String) {
    if let dir = opendir(path) {
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(dir)
    }
    rmdir(path)
}

/// The host end of the emulated serial line: opens the link like a serial reader (raw, non-blocking).
final class HostPort {
    let fd: Int32
    private var decoder = FrameDecoder(minimumBodySize: 3)

    init(path: String) throws {
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw HostPortError(message: "open \(path): \(String(cString: strerror(errno)))") }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        t.c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CSIZE) | tcflag_t(CRTSCTS))
        t.c_cflag |= tcflag_t(CS8) | tcflag_t(CLOCAL) | tcflag_t(CREAD)
        withUnsafeMutableBytes(of: &t.c_cc) {
            $0[Int(VMIN)] = 0
            $0[Int(VTIME)] = 0
        }
        cfsetispeed(&t, speed_t(B115200))
        cfsetospeed(&t, speed_t(B115200))
        tcsetattr(fd, TCSANOW, &t)
        tcflush(fd, TCIOFLUSH)
    }

    func close() { _ = Glibc.close(fd) }

    func send(_ bytes: [UInt8]) {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #expect(n == bytes.count)
        tcdrain(fd)
    }

    /// Reads until one complete answer frame arrives or `milliseconds` pass.
    func readFrame(milliseconds: Int = 2000) -> ResponseFrame? {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(milliseconds)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            while let event = decoder.next() {
                if case let .frame(body) = event { return ResponseFrame(body: body) }
                Issue.record("host discarded bytes: \(event)")
            }
            let remaining = deadline - clock.now
            guard remaining > .zero else { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard poll(&pfd, 1, ms) > 0 else { continue }
            let n = read(fd, &chunk, chunk.count)
            if n > 0 { decoder.feed(chunk[0..<n]) }
        }
    }

    /// Sends a command and waits for its answer.
    func ask(_ command: SAMCommand, milliseconds: Int = 2000) -> ResponseFrame? {
        send(command.encoded())
        return readFrame(milliseconds: milliseconds)
    }
}

struct HostPortError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
