import SAMProtocol

/// A byte pipe to a GA 467 reader: a serial tty, a USB bulk pair, a test double.
///
/// Blocking calls, used from one dedicated thread by ``ReaderRunner``. Errors are ``ReaderError``s:
/// ``ReaderError/deviceGone(device:reason:)`` when the device went away (the session reopens it later),
/// ``ReaderError/cannotOpen(device:reason:)`` when it cannot be opened.
public protocol ByteTransport: AnyObject, Sendable {
    /// The device name, e.g. `serial:/dev/ttyUSB0`.
    var deviceName: String { get }
    /// Opens (or reopens) the device.
    func open() throws(ReaderError)
    /// Writes all bytes.
    func write(_ bytes: [UInt8]) throws(ReaderError)
    /// Waits up to `timeout` for bytes; returns an empty array when none came.
    func read(timeout: Duration) throws(ReaderError) -> [UInt8]
    /// Closes the device; safe to call when closed.
    func close()
}
