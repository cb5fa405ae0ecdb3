import CLibUSB
import SAMProtocol

/// A libusb return code, and how it maps to ``ReaderError`` for people and for the session.
struct USBStatus: Hashable, Sendable, CustomStringConvertible {
    let code: Int32

    init(_ code: Int32) { self.code = code }

    static let success = USBStatus(0)
    static let io = USBStatus(LIBUSB_ERROR_IO.rawValue)
    static let invalidParameter = USBStatus(LIBUSB_ERROR_INVALID_PARAM.rawValue)
    static let access = USBStatus(LIBUSB_ERROR_ACCESS.rawValue)
    static let noDevice = USBStatus(LIBUSB_ERROR_NO_DEVICE.rawValue)
    static let notFound = USBStatus(LIBUSB_ERROR_NOT_FOUND.rawValue)
    static let busy = USBStatus(LIBUSB_ERROR_BUSY.rawValue)
    static let timeout = USBStatus(LIBUSB_ERROR_TIMEOUT.rawValue)
    static let overflow = USBStatus(LIBUSB_ERROR_OVERFLOW.rawValue)
    static let pipe = USBStatus(LIBUSB_ERROR_PIPE.rawValue)
    static let interrupted = USBStatus(LIBUSB_ERROR_INTERRUPTED.rawValue)
    static let noMemory = USBStatus(LIBUSB_ERROR_NO_MEM.rawValue)
    static let notSupported = USBStatus(LIBUSB_ERROR_NOT_SUPPORTED.rawValue)

    /// `LIBUSB_ERROR_TIMEOUT` etc.
    var name: String { libusb_error_name(code).map { String(cString: $0) } ?? "LIBUSB \(code)" }

    var description: String { name }

    /// What a person should read when opening fails with this status.
    func openReason(doing: String, node: String?) -> String {
        let at = node.map { " (\($0))" } ?? ""
        switch self {
        case .access:
            return "no permission to \(doing)\(at): install the udev rules (udev/60-renfang-readers.rules) "
                + "or add the user to the renfang group"
        case .busy:
            return "busy: another program or a kernel driver holds the reader's interface\(at); "
                + "stop the other program (e.g. another renfang) and try again"
        case .noDevice:
            return "the reader went away while opening\(at)"
        case .notFound:
            return "not found while trying to \(doing)\(at)"
        case .noMemory:
            return "out of memory while trying to \(doing)"
        default:
            return "cannot \(doing)\(at): \(name)"
        }
    }
}
