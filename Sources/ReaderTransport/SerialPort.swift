#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import SAMProtocol

/// A serial tty in raw 115200 8N1 mode, with poll-based timeouts.
///
/// Modem-line control (DTR/RTS) and exclusive access are attempted and their failure is logged, not fatal
/// (ptys and some USB-serial bridges refuse them). An unplugged device shows up as POLLHUP/POLLERR, EOF or
/// EIO/ENODEV and is reported as ``ReaderError/deviceGone(device:reason:)``.
public final class SerialPort: ByteTransport, @unchecked Sendable {
    public let path: String
    public let baudRate: SAMCommand.BaudRate
    public var deviceName: String { "serial:\(path)" }
    private let logger: Logger
    // fd is touched only by the thread that drives the transport (see ByteTransport).
    private var fd: Int32 = -1

    public init(path: String, baudRate: SAMCommand.BaudRate = .b115200, logger: Logger = Logger(label: "renfang.serial")) {
        self.path = path
        self.baudRate = baudRate
        self.logger = logger
    }

    deinit { close() }

    public var isOpen: Bool { fd >= 0 }

    public func open() throws(ReaderError) {
        close()
        let f = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard f >= 0 else { throw .cannotOpen(device: deviceName, reason: errnoText()) }
        var t = termios()
        guard tcgetattr(f, &t) == 0 else {
            let reason = errnoText()
            _ = Glibc.close(f)
            throw .cannotOpen(device: deviceName, reason: "not a terminal: \(reason)")
        }
        cfmakeraw(&t)
        t.c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CSIZE) | tcflag_t(CRTSCTS))
        t.c_cflag |= tcflag_t(CS8) | tcflag_t(CLOCAL) | tcflag_t(CREAD)
        t.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        let speed = Self.speed(baudRate)
        cfsetispeed(&t, speed)
        cfsetospeed(&t, speed)
        guard tcsetattr(f, TCSANOW, &t) == 0 else {
            let reason = errnoText()
            _ = Glibc.close(f)
            throw .cannotOpen(device: deviceName, reason: "cannot set raw 8N1 mode: \(reason)")
        }
        _ = tcflush(f, TCIOFLUSH)
        // Non-fatal: ptys and some bridges have no modem lines or refuse exclusive mode.
        if ioctl(f, UInt(TIOCEXCL)) != 0 {
            logger.debug("serial.exclusive.unsupported", metadata: ["device": "\(deviceName)", "errno": "\(errno)"])
        }
        var lines = Int32(TIOCM_DTR | TIOCM_RTS)
        if ioctl(f, UInt(TIOCMBIS), &lines) != 0 {
            logger.debug("serial.modemLines.unsupported", metadata: ["device": "\(deviceName)", "errno": "\(errno)"])
        }
        fd = f
    }

    public func write(_ bytes: [UInt8]) throws(ReaderError) {
        guard fd >= 0 else { throw .io(device: deviceName, reason: "not open") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { p in Glibc.write(fd, p.baseAddress! + offset, bytes.count - offset) }
            if n > 0 {
                offset += n
                continue
            }
            let e = errno
            if n < 0 && (e == EINTR) { continue }
            if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let r = poll(&p, 1, 1000)
                if r == 0 { throw .io(device: deviceName, reason: "write timed out") }
                if r > 0 && (Int32(p.revents) & (POLLHUP | POLLERR | POLLNVAL)) != 0 {
                    throw .deviceGone(device: deviceName, reason: "hang-up while writing")
                }
                continue
            }
            throw classify(e, while: "writing")
        }
        _ = tcdrain(fd)
    }

    public func read(timeout: Duration) throws(ReaderError) -> [UInt8] {
        guard fd >= 0 else { throw .io(device: deviceName, reason: "not open") }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ms = Int32(clamping: max(0, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        let r = poll(&p, 1, ms)
        if r < 0 {
            if errno == EINTR { return [] }
            throw classify(errno, while: "polling")
        }
        if r == 0 { return [] }
        let revents = Int32(p.revents)
        var buffer = [UInt8](repeating: 0, count: 4096)
        if revents & POLLIN != 0 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n > 0 { return Array(buffer[0..<n]) }
            if n == 0 { throw .deviceGone(device: deviceName, reason: "end of file") }
            let e = errno
            if e == EAGAIN || e == EINTR { return [] }
            throw classify(e, while: "reading")
        }
        if revents & (POLLHUP | POLLERR | POLLNVAL) != 0 {
            throw .deviceGone(device: deviceName, reason: "hang-up (revents 0x\(String(revents, radix: 16)))")
        }
        return []
    }

    public func close() {
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
    }

    private func classify(_ e: Int32, while doing: String) -> ReaderError {
        switch e {
        case EIO, ENODEV, ENXIO, EBADF: .deviceGone(device: deviceName, reason: "\(String(cString: strerror(e))) while \(doing)")
        default: .io(device: deviceName, reason: "\(String(cString: strerror(e))) while \(doing)")
        }
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }

    static func speed(_ rate: SAMCommand.BaudRate) -> speed_t {
        switch rate {
        case .b115200: speed_t(B115200)
        case .b57600: speed_t(B57600)
        case .b38400: speed_t(B38400)
        case .b19200: speed_t(B19200)
        case .b9600: speed_t(B9600)
        }
    }
}
