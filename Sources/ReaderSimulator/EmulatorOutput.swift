/// One step of what the emulator sends: bytes to write, or a pause before the next step.
///
/// A driver performs the steps in order: ``write(_:)`` at once, ``delay(_:)`` by waiting. A pure test reads
/// them as they are (``SAMEmulator`` never sleeps).
public enum EmulatorOutput: Sendable, Hashable {
    /// Write these bytes.
    case write([UInt8])
    /// Wait this long before the next step.
    case delay(Duration)
}

extension Array where Element == EmulatorOutput {
    /// All bytes written, delays ignored.
    public var writtenBytes: [UInt8] {
        flatMap { step -> [UInt8] in
            if case let .write(bytes) = step { return bytes }
            return []
        }
    }

    /// The sum of the delays.
    public var totalDelay: Duration {
        reduce(.zero) { total, step in
            if case let .delay(d) = step { return total + d }
            return total
        }
    }
}
