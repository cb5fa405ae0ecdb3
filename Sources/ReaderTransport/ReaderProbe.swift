import SAMProtocol

/// Asks a device whether it is a GA 467 reader: `11 FF` (SAM status) then `12 FF` (SAM ID).
///
/// Used by discovery (tty globs) and by `renfang readers` to show the SAM ID. Synchronous; opens and
/// closes the transport itself.
public enum ReaderProbe {
    /// The SAM ID when the device answers both commands, nil when it answers nothing sensible in time.
    /// Throws when the device cannot be opened.
    public static func samID(of transport: any ByteTransport, timeout: Duration = .milliseconds(500)) throws(ReaderError) -> SAMID? {
        try transport.open()
        defer { transport.close() }
        guard let status = try exchange(.samStatus, over: transport, timeout: timeout), status.status == .ok else {
            return nil
        }
        guard let id = try exchange(.readSAMID, over: transport, timeout: timeout), id.status == .ok else { return nil }
        return SAMID(bytes: id.data)
    }

    /// Sends one command and waits for one answer frame; nil on timeout.
    static func exchange(_ command: SAMCommand, over transport: any ByteTransport, timeout: Duration) throws(ReaderError) -> ResponseFrame? {
        try transport.write(command.encoded())
        var decoder = FrameDecoder(minimumBodySize: 3)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let bytes = try transport.read(timeout: deadline - clock.now)
            decoder.feed(bytes)
            while let event = decoder.next() {
                if case let .frame(body) = event, let response = ResponseFrame(body: body) { return response }
            }
        }
        return nil
    }
}
