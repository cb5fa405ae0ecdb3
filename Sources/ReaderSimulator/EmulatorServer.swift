import Foundation
import Glibc
import IDCard
import SAMProtocol
import Synchronization

/// Runs a ``SAMEmulator`` on a pseudo-terminal, so a host opens it like a serial reader.
///
/// At start it opens a pty pair (`posix_openpt`, `grantpt`, `unlockpt`, `ptsname`), puts the slave in raw
/// mode (`cfmakeraw`, 115200 8N1), points a symlink at ``linkPath`` to it (`/tmp/x/ttySIM0 → /dev/pts/N`;
/// a symlink already there is replaced, any other file is an error) and keeps its own slave fd open, so
/// the host can close and reopen the device freely. A thread reads the master with `poll()`, feeds the
/// emulator and writes its outputs, honouring delays. A second thread serves the control socket
/// (``ControlRequest`` describes the protocol) when ``controlPath`` is set.
///
/// The in-process API (``place(_:)``, ``inject(_:)``, ``remove()``, ``status``, …) is thread-safe. Call
/// ``stop()`` when done: it ends both threads, closes every fd and removes the link and the socket (only if
/// they are still this server's). The threads keep the server alive until then.
public final class EmulatorServer: Sendable {
    /// How to start a server.
    public struct Configuration: Sendable {
        /// Where to put the symlink to the pty slave, e.g. `/tmp/renfang-sim/ttySIM0`.
        public var linkPath: String
        /// The control socket's path; nil for none.
        public var controlPath: String?
        /// The cards `place NAME` can choose from.
        public var deck: CardDeck
        /// The SAM ID answered to `12 FF`.
        public var samID: SAMID
        /// See ``SAMEmulator/suppressRepeatFind``.
        public var suppressRepeatFind: Bool
        /// A deck card to place at start.
        public var initialCard: String?
        /// Receives one line per control request, fault applied and read; with ``logEveryExchange`` one per
        /// exchange. No personal data is logged (card names and masked numbers only).
        public var log: (@Sendable (String) -> Void)?
        /// Also log find, select, status and the other routine exchanges.
        public var logEveryExchange: Bool

        /// A configuration with the built-in deck and the default control socket.
        public init(
            linkPath: String,
            controlPath: String? = EmulatorServer.defaultControlPath,
            deck: CardDeck = .builtIn(),
            samID: SAMID = SAMEmulator.defaultSAMID,
            suppressRepeatFind: Bool = true,
            initialCard: String? = nil,
            log: (@Sendable (String) -> Void)? = nil,
            logEveryExchange: Bool = false
        ) {
            self.linkPath = linkPath
            self.controlPath = controlPath
            self.deck = deck
            self.samID = samID
            self.suppressRepeatFind = suppressRepeatFind
            self.initialCard = initialCard
            self.log = log
            self.logEveryExchange = logEveryExchange
        }
    }

    /// A snapshot of the server's state.
    public struct Status: Sendable, Hashable, CustomStringConvertible {
        /// The name of the card in the field, if any.
        public var card: String?
        /// Whether that card has been read in this presentation.
        public var cardHasBeenRead: Bool
        /// Faults still queued.
        public var faults: [EmulatorFault]
        /// Host frames handled so far.
        public var framesReceived: Int
        /// The pty slave, e.g. `/dev/pts/3`.
        public var devicePath: String
        /// The symlink.
        public var linkPath: String
        /// When the last answer to a read command (`30 xx`: text, fingerprints, appended address) was
        /// completely written to the pty: `CLOCK_MONOTONIC` nanoseconds (one clock for every process of the
        /// machine, so a benchmark in another process can time what follows the read). Nil before any read.
        public var lastReadAnswerNanoseconds: UInt64?

        /// `card=NAME|- read=yes|no faults=N frames=N device=PATH link=PATH answered=NS|-`.
        public var description: String {
            "card=\(card ?? "-") read=\(cardHasBeenRead ? "yes" : "no") faults=\(faults.count) "
                + "frames=\(framesReceived) device=\(devicePath) link=\(linkPath) "
                + "answered=\(lastReadAnswerNanoseconds.map(String.init) ?? "-")"
        }
    }

    /// `/tmp/renfang-sim-<uid>.sock`.
    public static var defaultControlPath: String { "/tmp/renfang-sim-\(getuid()).sock" }

    /// The symlink the host opens.
    public let linkPath: String
    /// The pty slave the link points to.
    public let devicePath: String
    /// The control socket, if any.
    public let controlPath: String?
    /// The cards this server can place.
    public let deck: CardDeck

    struct State: Sendable {
        var emulator: SAMEmulator
        var generator: SyntheticPeople
        var randomCount = 0
        var stopped = false
        var lastReadAnswer: UInt64?
    }

    let state: Mutex<State>
    let master: Int32
    let slave: Int32
    let listener: Int32
    let stopRead: Int32
    let stopWrite: Int32
    let socketIdentity: (UInt64, UInt64)?
    let log: (@Sendable (String) -> Void)?
    let logEveryExchange: Bool
    let ioFinished = DispatchSemaphore(value: 0)
    let controlFinished = DispatchSemaphore(value: 0)

    /// Opens the pty, the link and the control socket, and starts serving.
    public init(configuration: Configuration) throws(EmulatorServerError) {
        let initial: DeckCard?
        if let name = configuration.initialCard {
            guard let card = configuration.deck.card(named: name) else {
                throw .unknownCard(name, known: configuration.deck.names)
            }
            initial = card
        } else {
            initial = nil
        }

        // The pty pair.
        let master: Int32
        let devicePath: String
        do {
            (master, devicePath) = try PseudoTerminal.openMaster()
        } catch {
            throw .system(call: error.call, errno: error.code, path: nil)
        }
        var cleanup: [Int32] = [master]
        func fail(_ error: EmulatorServerError) -> EmulatorServerError {
            for fd in cleanup { close(fd) }
            return error
        }
        POSIX.setCloseOnExec(master)
        let slave = open(devicePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { throw fail(.system(call: "open", errno: errno, path: devicePath)) }
        cleanup.append(slave)
        var tio = termios()
        guard tcgetattr(slave, &tio) == 0 else { throw fail(.system(call: "tcgetattr", errno: errno, path: devicePath)) }
        cfmakeraw(&tio)
        tio.c_cflag |= tcflag_t(CLOCAL | CREAD)
        cfsetispeed(&tio, speed_t(B115200))
        cfsetospeed(&tio, speed_t(B115200))
        guard tcsetattr(slave, TCSANOW, &tio) == 0 else {
            throw fail(.system(call: "tcsetattr", errno: errno, path: devicePath))
        }
        POSIX.setNonBlocking(master)

        // The link.
        let link = configuration.linkPath
        POSIX.makeParentDirectories(of: link)
        if let type = POSIX.fileType(link) {
            guard type == POSIX.typeSymlink else { throw fail(.pathOccupied(link)) }
            unlink(link)
        }
        guard symlink(devicePath, link) == 0 else { throw fail(.system(call: "symlink", errno: errno, path: link)) }
        func failAndUnlink(_ error: EmulatorServerError) -> EmulatorServerError {
            unlink(link)
            return fail(error)
        }

        // The control socket.
        var listener: Int32 = -1
        var socketIdentity: (UInt64, UInt64)?
        if let path = configuration.controlPath {
            do {
                (listener, socketIdentity) = try Self.listen(at: path)
            } catch {
                throw failAndUnlink(error)
            }
            cleanup.append(listener)
        }

        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            if let path = configuration.controlPath { unlink(path) }
            throw failAndUnlink(.system(call: "pipe", errno: errno, path: nil))
        }
        POSIX.setCloseOnExec(pipeFDs[0])
        POSIX.setCloseOnExec(pipeFDs[1])

        var emulator = SAMEmulator(
            samID: configuration.samID, suppressRepeatFind: configuration.suppressRepeatFind,
            seed: configuration.deck.seed)
        if let initial { emulator.place(initial) }
        self.state = Mutex(State(emulator: emulator, generator: SyntheticPeople(seed: configuration.deck.seed)))
        self.master = master
        self.slave = slave
        self.listener = listener
        self.stopRead = pipeFDs[0]
        self.stopWrite = pipeFDs[1]
        self.socketIdentity = socketIdentity
        self.linkPath = link
        self.devicePath = devicePath
        self.controlPath = configuration.controlPath
        self.deck = configuration.deck
        self.log = configuration.log
        self.logEveryExchange = configuration.logEveryExchange

        let io = Thread { [self] in
            ioLoop()
            ioFinished.signal()
        }
        io.name = "renfang-sim-io"
        io.start()
        if listener >= 0 {
            let control = Thread { [self] in
                controlLoop()
                controlFinished.signal()
            }
            control.name = "renfang-sim-control"
            control.start()
        } else {
            controlFinished.signal()
        }
        if let initial { log?("placed \(initial.summary)") }
    }

    /// Binds and listens on a Unix stream socket at `path`, replacing a stale socket file. Fails when a
    /// live server answers there or a non-socket file is in the way.
    private static func listen(at path: String) throws(EmulatorServerError) -> (Int32, (UInt64, UInt64)?) {
        guard var address = POSIX.unixAddress(path) else { throw .pathTooLong(path) }
        if let type = POSIX.fileType(path) {
            guard type == POSIX.typeSocket else { throw .pathOccupied(path) }
            if case let .connected(fd) = POSIX.connectUnix(path) {
                close(fd)
                throw .alreadyRunning(controlPath: path)
            }
            unlink(path)  // stale: nobody listens
        }
        POSIX.makeParentDirectories(of: path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(call: "socket", errno: errno, path: path) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .system(call: "bind", errno: code, path: path)
        }
        chmod(path, 0o600)
        guard Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            throw .system(call: "listen", errno: code, path: path)
        }
        POSIX.setNonBlocking(fd)
        return (fd, POSIX.identity(path))
    }

    // MARK: - In-process control

    /// Puts `card` in the field (a new presentation).
    public func place(_ card: DeckCard) {
        state.withLock { $0.emulator.place(card) }
        log?("placed \(card.summary)")
    }

    /// Puts the deck card `name` in the field.
    @discardableResult
    public func place(named name: String) throws(EmulatorServerError) -> DeckCard {
        guard let card = deck.card(named: name) else { throw .unknownCard(name, known: deck.names) }
        place(card)
        return card
    }

    /// Puts the next card of the seeded generator in the field, named `random-N`.
    @discardableResult
    public func placeRandom() -> DeckCard {
        let card = state.withLock { s -> DeckCard in
            s.randomCount += 1
            let card = s.generator.randomCard(name: "random-\(s.randomCount)")
            s.emulator.place(card)
            return card
        }
        log?("placed \(card.summary)")
        return card
    }

    /// Takes the card out of the field; returns it.
    @discardableResult
    public func remove() -> DeckCard? {
        let card = state.withLock { s -> DeckCard? in
            let card = s.emulator.card
            s.emulator.remove()
            return card
        }
        if let card { log?("removed \(card.name)") }
        return card
    }

    /// Queues a fault.
    public func inject(_ fault: EmulatorFault) {
        state.withLock { $0.emulator.inject(fault) }
        log?("fault queued: \(fault)")
    }

    /// Empties the fault queue; returns how many were dropped.
    @discardableResult
    public func clearFaults() -> Int {
        state.withLock { s in
            let n = s.emulator.faults.count
            s.emulator.clearFaults()
            return n
        }
    }

    /// The current state.
    public var status: Status {
        state.withLock { s in
            Status(
                card: s.emulator.card?.name, cardHasBeenRead: s.emulator.cardHasBeenRead, faults: s.emulator.faults,
                framesReceived: s.emulator.framesReceived, devicePath: devicePath, linkPath: linkPath,
                lastReadAnswerNanoseconds: s.lastReadAnswer)
        }
    }

    /// Whether ``stop()`` has not been called yet.
    public var isRunning: Bool { state.withLock { !$0.stopped } }

    /// Stops serving: ends the threads, closes the pty, the socket and the connections, removes the link
    /// and the socket file if they are still this server's. Idempotent.
    public func stop() {
        let first = state.withLock { s -> Bool in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard first else { return }
        close(stopWrite)  // wakes both threads: the pipe's read end reports end of file
        ioFinished.wait()
        controlFinished.wait()
        close(stopRead)
        close(master)
        close(slave)
        if POSIX.readLink(linkPath) == devicePath { unlink(linkPath) }
        if listener >= 0 {
            close(listener)
            if let path = controlPath, let identity = socketIdentity, let now = POSIX.identity(path), now == identity {
                unlink(path)
            }
        }
        log?("stopped")
    }

    // MARK: - The pty thread

    private func ioLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var fds = [
                pollfd(fd: master, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0),
            ]
            let rc = poll(&fds, 2, -1)
            if rc < 0 {
                if errno == EINTR { continue }
                log?("poll failed: \(POSIX.errorText(errno))")
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            let n = read(master, &buffer, buffer.count)
            if n > 0 {
                let exchanges = state.withLock { $0.emulator.handle(buffer[0..<n]) }
                for exchange in exchanges {
                    logExchange(exchange)
                    if !perform(exchange.outputs) { return }
                    if exchange.request?.command == 0x30, !exchange.outputs.isEmpty {
                        let answered = Self.monotonicNanoseconds()
                        state.withLock { $0.lastReadAnswer = answered }
                    }
                }
            } else if n < 0, errno == EAGAIN || errno == EINTR {
                continue
            } else {
                // EIO or end of file: no slave open. Cannot last while we hold ours; avoid spinning anyway.
                if waitForStop(.milliseconds(50)) { return }
            }
        }
    }

    /// Performs output steps; false when the server is stopping.
    private func perform(_ outputs: [EmulatorOutput]) -> Bool {
        for step in outputs {
            switch step {
            case let .write(bytes):
                let written = POSIX.writeAll(master, bytes, isSocket: false, timeoutMilliseconds: 1000, stopFD: stopRead)
                if written < bytes.count {
                    if !isRunning { return false }
                    log?("host not reading: \(bytes.count - written) bytes dropped")
                }
            case let .delay(duration):
                if waitForStop(duration) { return false }
            }
        }
        return true
    }

    /// `CLOCK_MONOTONIC` now, in nanoseconds.
    public static func monotonicNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// Sleeps for `duration` unless the server stops first; true when stopping.
    func waitForStop(_ duration: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while true {
            let remaining = deadline - clock.now
            if remaining <= .zero { return false }
            let (seconds, attoseconds) = remaining.components
            let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            if POSIX.waitReadable(stopRead, milliseconds: Int32(clamping: ms)) { return true }
        }
    }

    private func logExchange(_ exchange: SAMEmulator.Exchange) {
        guard let log else { return }
        let routine = exchange.fault == nil && (exchange.request.map { $0.command != 0x30 } ?? false)
        guard logEveryExchange || !routine else { return }
        let request = exchange.request.map { Hex.encode([$0.command, $0.parameter], separator: " ") } ?? "bad frame"
        var line = "\(request) → "
        if let response = exchange.response {
            line += "\(response.status.hex) (\(response.data.count) bytes)"
        } else {
            line += "no answer"
        }
        if let fault = exchange.fault { line += " [fault \(fault)]" }
        log(line)
    }
}

/// Why an ``EmulatorServer`` could not start or do what was asked.
public enum EmulatorServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed.
    case system(call: String, errno: Int32, path: String?)
    /// A file that is not ours (not a symlink for the link, not a socket for the control path) is in the way.
    case pathOccupied(String)
    /// The control socket path does not fit in `sockaddr_un`.
    case pathTooLong(String)
    /// Another emulator answers on the control socket.
    case alreadyRunning(controlPath: String)
    /// No deck card has this name.
    case unknownCard(String, known: [String])

    /// What went wrong, in English, naming the path.
    public var description: String {
        switch self {
        case let .system(call, code, path):
            "\(call)\(path.map { " \($0)" } ?? "") failed: \(POSIX.errorText(code))"
        case let .pathOccupied(path): "\(path) exists and is not ours; remove it or choose another path"
        case let .pathTooLong(path): "socket path too long (at most 107 bytes): \(path)"
        case let .alreadyRunning(path): "another simulator is already running (control socket \(path))"
        case let .unknownCard(name, known): "no card named \"\(name)\" in the deck; cards: \(known.joined(separator: " "))"
        }
    }
}
