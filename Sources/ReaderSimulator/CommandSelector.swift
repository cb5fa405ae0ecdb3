import SAMProtocol

/// Which host commands a fault applies to: a `CMD PARA` pair, or a `CMD` with any parameter.
///
/// Names accepted by ``init(name:)`` (case-insensitive): `reset` (10 FF), `status` (11 FF), `samid` (12 FF),
/// `find` (20 01), `select` (20 02), `read` (30 01), `readfp` (30 10), `address` (30 03), `serial` (30 05),
/// `baud` (60 any), `rf` (61 FF); the ``SAMCommand/name`` of each command (`findCard`, …); or hex: `3001`,
/// `30:01`, `30-01`, and a single byte `60` for any parameter.
public struct CommandSelector: Sendable, Hashable, CustomStringConvertible {
    /// The command byte.
    public var command: UInt8
    /// The parameter byte; nil matches any.
    public var parameter: UInt8?

    /// A selector for `command` and `parameter` (nil: any parameter).
    public init(command: UInt8, parameter: UInt8?) {
        self.command = command
        self.parameter = parameter
    }

    /// A selector for exactly this command (for `60 xx`, any rate).
    public init(_ command: SAMCommand) {
        let frame = command.frame
        switch command {
        case .setBaudRate: self.init(command: frame.command, parameter: nil)
        default: self.init(command: frame.command, parameter: frame.parameter)
        }
    }

    /// The short names, in display order.
    public static let shortNames: [(name: String, selector: CommandSelector)] = [
        ("reset", CommandSelector(.resetSAM)),
        ("status", CommandSelector(.samStatus)),
        ("samid", CommandSelector(.readSAMID)),
        ("find", CommandSelector(.findCard)),
        ("select", CommandSelector(.selectCard)),
        ("read", CommandSelector(.readTextAndPhoto)),
        ("readfp", CommandSelector(.readTextPhotoAndFingerprint)),
        ("address", CommandSelector(.readAppendedAddress)),
        ("serial", CommandSelector(.readCardSerial)),
        ("baud", CommandSelector(.setBaudRate(.b115200))),
        ("rf", CommandSelector(.setMaximumRFFrame(0))),
    ]

    private static let longNames: [(String, CommandSelector)] = [
        SAMCommand.resetSAM, .samStatus, .readSAMID, .findCard, .selectCard, .readTextAndPhoto,
        .readTextPhotoAndFingerprint, .readAppendedAddress, .readCardSerial, .setBaudRate(.b115200),
        .setMaximumRFFrame(0),
    ].map { ($0.name.lowercased(), CommandSelector($0)) }

    /// Parses a name or hex form (see the type's documentation); nil when not recognised.
    public init?(name: String) {
        let lower = name.lowercased()
        if let hit = (Self.shortNames + Self.longNames).first(where: { $0.0 == lower }) {
            self = hit.1
            return
        }
        var text = lower
        if text.hasPrefix("0x") { text.removeFirst(2) }
        text.removeAll { $0 == ":" || $0 == "-" || $0 == " " }
        guard let bytes = Hex.decode(text) else { return nil }
        switch bytes.count {
        case 1: self.init(command: bytes[0], parameter: nil)
        case 2: self.init(command: bytes[0], parameter: bytes[1])
        default: return nil
        }
    }

    /// Whether a received command frame is one this selector names.
    public func matches(_ frame: CommandFrame) -> Bool {
        frame.command == command && (parameter == nil || parameter == frame.parameter)
    }

    /// The short name when there is one, else hex (`30 01`, or `60` for any parameter).
    public var description: String {
        if let hit = Self.shortNames.first(where: { $0.selector == self }) { return hit.name }
        return Hex.encode([command] + (parameter.map { [$0] } ?? []), separator: ":")
    }
}
