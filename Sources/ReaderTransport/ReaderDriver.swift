import SAMProtocol

/// Something that runs one reader on its own thread and reports ``ReaderEvent``s: the GA 467
/// ``ReaderRunner`` over a serial or USB ``ByteTransport``, or the PC/SC card-number reader.
///
/// ``ReaderManager`` holds one driver per attached reader.
public protocol ReaderDriver: AnyObject, Sendable {
    /// The device name, e.g. `serial:/dev/ttyUSB0`, `usb:0400:c35a@1-2`, `pcsc:ACS ACR1281U 00 00`.
    var deviceName: String { get }
    /// Starts the reader's thread; `handler` is called on it for every event.
    func start(_ handler: @escaping @Sendable (ReaderEvent) -> Void)
    /// Stops and waits until the thread has finished and the device is closed.
    func stop()
}

extension ReaderRunner: ReaderDriver {
    public var deviceName: String { configuration.readerName ?? transport.deviceName }
}
