import Logging
import SAMProtocol

extension DeviceName {
    /// The byte transport for this device. Serial devices are supported by this build; USB and PC/SC
    /// transports come with their own modules.
    public func makeTransport(logger: Logger = Logger(label: "renfang.reader")) throws(ReaderError) -> any ByteTransport {
        switch self {
        case let .serial(path):
            return SerialPort(path: path, logger: logger)
        case .usb, .pcsc, .sim:
            throw .badDeviceName("\(self) (this build reads serial devices; use serial:PATH, or the pty of `renfang sim serve`)")
        }
    }
}
