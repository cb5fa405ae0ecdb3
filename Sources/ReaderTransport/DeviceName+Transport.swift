import Logging
import SAMProtocol

extension DeviceName {
    /// The byte transport for this device: a ``SerialPort`` for `serial:`, a ``USBBulkTransport`` for `usb:`
    /// (kind from ``USBKnownReaders/builtIn``; see ``makeUSBTransport(known:logger:)`` for configured entries).
    public func makeTransport(logger: Logger = Logger(label: "renfang.reader")) throws(ReaderError) -> any ByteTransport {
        switch self {
        case let .serial(path):
            return SerialPort(path: path, logger: logger)
        case .usb:
            return try makeUSBTransport(logger: logger)
        case .pcsc:
            // A PC/SC reader speaks APDUs through pcscd, not GA 467 bytes: see makeDriver(session:known:logger:).
            throw .badDeviceName("\(self) (PC/SC readers have no byte transport; they run as a PCSCCardReader)")
        case .sim:
            throw .badDeviceName("\(self) (the emulator is reached through its pty: serial:PATH of `renfang sim serve`)")
        }
    }
}
