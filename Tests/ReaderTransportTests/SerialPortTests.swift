import Foundation
import Glibc
import SAMProtocol
import Testing
@testable import ReaderTransport

/// A real pty pair: the test holds the master (the "reader"), SerialPort opens the slave by path.
final class PtyPair {
    let master: Int32
    let slavePath: String

    init() throws {
        // /dev/ptmx + TIOCSPTLCK/TIOCGPTN: what posix_openpt/unlockpt/ptsname do, without the XSI imports.
        master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0, ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            throw POSIXError(.EIO)
        }
        slavePath = "/dev/pts/\(number)"
        var t = termios()
        tcgetattr(master, &t)
        cfmakeraw(&t)
        tcsetattr(master, TCSANOW, &t)
    }

    func write(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) } }

    func read(timeoutMs: Int32 = 1000) -> [UInt8] {
        var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, timeoutMs) > 0 else { return [] }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
        return n > 0 ? Array(buf[0..<n]) : []
    }

    func close() { Glibc.close(master) }
}

@Suite("Serial port over a real pty")
struct SerialPortTests {
    @Test("raw 8N1: binary bytes pass unchanged both ways, including CR, LF, XON/XOFF and 0xFF")
    func rawBytes() throws {
        let pty = try PtyPair()
        defer { pty.close() }
        let port = SerialPort(path: pty.slavePath)
        try port.open()
        defer { port.close() }
        let tricky: [UInt8] = [0x0D, 0x0A, 0x11, 0x13, 0x03, 0x1C, 0x7F, 0xFF, 0x00, 0xAA]
        try port.write(tricky)
        #expect(pty.read() == tricky)
        pty.write(tricky.reversed())
        #expect(try port.read(timeout: .seconds(1)) == tricky.reversed())
    }

    @Test("read times out with no bytes instead of blocking")
    func readTimeout() throws {
        let pty = try PtyPair()
        defer { pty.close() }
        let port = SerialPort(path: pty.slavePath)
        try port.open()
        let start = ContinuousClock.now
        #expect(try port.read(timeout: .milliseconds(120)).isEmpty)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(100))
        port.close()
    }

    @Test("a device that does not exist gives cannotOpen naming the device")
    func missingDevice() {
        let port = SerialPort(path: "/dev/renfang-no-such-tty")
        #expect(throws: ReaderError.cannotOpen(device: "serial:/dev/renfang-no-such-tty", reason: "No such file or directory")) {
            try port.open()
        }
        let notTTY = SerialPort(path: "/dev/null")
        #expect { try notTTY.open() } throws: { error in
            guard case let .cannotOpen(device, reason) = error as? ReaderError else { return false }
            return device == "serial:/dev/null" && reason.hasPrefix("not a terminal")
        }
    }

    @Test("unplug (the other end goes away) is reported as deviceGone")
    func unplug() throws {
        let pty = try PtyPair()
        let port = SerialPort(path: pty.slavePath)
        try port.open()
        defer { port.close() }
        pty.close()
        #expect { _ = try port.read(timeout: .seconds(1)) } throws: { error in
            if case .deviceGone = error as? ReaderError { return true }
            return false
        }
    }

    @Test("device names parse and print back")
    func deviceNames() throws {
        #expect(try DeviceName(parsing: "serial:/dev/ttyUSB0") == .serial(path: "/dev/ttyUSB0"))
        #expect(try DeviceName(parsing: "/dev/ttyACM0") == .serial(path: "/dev/ttyACM0"))
        #expect(try DeviceName(parsing: "usb:0400:C35A@1-2").description == "usb:0400:c35a@1-2")
        #expect(try DeviceName(parsing: "pcsc:ACS ACR122U 00 00") == .pcsc(readerName: "ACS ACR122U 00 00"))
        #expect(try DeviceName(parsing: "sim:desk") == .sim(name: "desk"))
        for bad in ["ttyUSB0", "usb:0400", "usb:zzzz:0001", "serial:", "bluetooth:x"] {
            #expect(throws: ReaderError.badDeviceName(bad)) { try DeviceName(parsing: bad) }
        }
    }
}
