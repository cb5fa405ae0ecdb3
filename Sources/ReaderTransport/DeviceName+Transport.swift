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
        case .pcsc, .sim:
            throw .badDeviceName("\(self) (this build reads serial and USB devices; use serial:PATH or usb:VID:PID, or the pty of `renfang sim serve`)")
        }
    }
}
