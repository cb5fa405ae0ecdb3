/// A fault the emulator injects into its next answer(s).
///
/// Faults wait in a queue. Each answer to a host command uses the first queued fault whose ``command``
/// matches (nil: any command); that fault's ``count`` goes down by one and it leaves the queue at zero.
/// Answers to host frames with a bad checksum or length (status 10/11) are never faulted.
///
/// Text form (control socket and CLI): `KIND [--on COMMAND] [--count N]`, KIND one of
/// `garbage[:N]`, `bad-checksum`, `torn`, `status:XX` (hex SW3), `silence`, `trickle[:MS]`, `delay:MS`;
/// COMMAND as in ``CommandSelector/init(name:)``.
public struct EmulatorFault: Sendable, Hashable, CustomStringConvertible {
    /// What happens to the answer.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// `n` random bytes (never `AA`, so they cannot start a preamble) written before the answer.
        case garbage(Int)
        /// The answer with its checksum byte inverted (XOR FF).
        case badChecksum
        /// Only the first part of the answer frame: the 7-byte header and half of the rest (at least one
        /// byte fewer than the frame); the remainder never comes.
        case torn
        /// The answer replaced by `SW1 SW2 = 00 00`, this SW3 and no data; the command has no effect (a
        /// failed read does not mark the card read).
        case status(UInt8)
        /// No answer at all; the command has no effect.
        case silence
        /// The answer one byte at a time, with this pause between bytes.
        case trickle(Duration)
        /// The answer in one piece after this pause.
        case delay(Duration)

        /// Default byte count of `garbage`.
        public static let defaultGarbageCount = 8
        /// Default pause of `trickle`.
        public static let defaultTrickleInterval: Duration = .milliseconds(2)

        /// Parses `garbage[:N]`, `bad-checksum` (or `badChecksum`), `torn`, `status:XX`, `silence`,
        /// `trickle[:MS]`, `delay:MS` (MS in milliseconds, an optional `ms` suffix). Nil when not recognised.
        public init?(text: String) {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard let head = parts.first?.lowercased() else { return nil }
            let argument = parts.count > 1 ? parts[1] : nil
            func milliseconds(_ s: String) -> Duration? {
                let digits = s.lowercased().hasSuffix("ms") ? String(s.dropLast(2)) : s
                guard let n = Int(digits), (0...60_000).contains(n) else { return nil }
                return .milliseconds(n)
            }
            switch head {
            case "garbage":
                guard let argument else { self = .garbage(Self.defaultGarbageCount); return }
                guard let n = Int(argument), (1...4096).contains(n) else { return nil }
                self = .garbage(n)
            case "bad-checksum", "badchecksum":
                guard argument == nil else { return nil }
                self = .badChecksum
            case "torn":
                guard argument == nil else { return nil }
                self = .torn
            case "status":
                guard let argument, let bytes = Hex.decode(argument), bytes.count == 1 else { return nil }
                self = .status(bytes[0])
            case "silence":
                guard argument == nil else { return nil }
                self = .silence
            case "trickle":
                guard let argument else { self = .trickle(Self.defaultTrickleInterval); return }
                guard let d = milliseconds(argument) else { return nil }
                self = .trickle(d)
            case "delay":
                guard let argument, let d = milliseconds(argument) else { return nil }
                self = .delay(d)
            default:
                return nil
            }
        }

        /// The text form, e.g. `status:41`, `trickle:2ms`.
        public var description: String {
            switch self {
            case let .garbage(n): "garbage:\(n)"
            case .badChecksum: "bad-checksum"
            case .torn: "torn"
            case let .status(sw3): "status:" + Hex.encode([sw3])
            case .silence: "silence"
            case let .trickle(d): "trickle:\(Self.milliseconds(d))ms"
            case let .delay(d): "delay:\(Self.milliseconds(d))ms"
            }
        }

        /// Whether the command still takes effect on the SAM (the answer is only damaged on the line).
        var commandTakesEffect: Bool {
            switch self {
            case .status, .silence: false
            case .garbage, .badChecksum, .torn, .trickle, .delay: true
            }
        }

        private static func milliseconds(_ d: Duration) -> Int64 {
            let (seconds, attoseconds) = d.components
            return seconds * 1000 + attoseconds / 1_000_000_000_000_000
        }
    }

    /// Why a fault's text form was rejected.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// What happens to the answer.
    public var kind: Kind
    /// The commands it applies to; nil: the next command of any kind.
    public var command: CommandSelector?
    /// How many answers it still applies to (at least 1).
    public var count: Int

    /// A fault for the next `count` answers to `command` (nil: any command).
    public init(_ kind: Kind, on command: CommandSelector? = nil, count: Int = 1) {
        self.kind = kind
        self.command = command
        self.count = max(1, count)
    }

    /// Parses `KIND [--on COMMAND] [--count N]` given as words.
    public init(arguments: [String]) throws(ParseError) {
        var words = arguments[...]
        guard let kindText = words.popFirst() else { throw ParseError(message: "missing fault kind; \(Self.usage)") }
        guard let kind = Kind(text: kindText) else {
            throw ParseError(message: "unknown fault kind \"\(kindText)\"; \(Self.usage)")
        }
        var command: CommandSelector?
        var count = 1
        while let word = words.popFirst() {
            switch word {
            case "--on":
                guard let name = words.popFirst(), let selector = CommandSelector(name: name) else {
                    let names = CommandSelector.shortNames.map(\.name).joined(separator: ", ")
                    throw ParseError(message: "--on needs a command: \(names), or hex such as 30:01")
                }
                command = selector
            case "--count":
                guard let text = words.popFirst(), let n = Int(text), (1...1_000_000).contains(n) else {
                    throw ParseError(message: "--count needs a number from 1 to 1000000")
                }
                count = n
            default:
                throw ParseError(message: "unexpected \"\(word)\"; \(Self.usage)")
            }
        }
        self.init(kind, on: command, count: count)
    }

    /// The text form's syntax, for error messages.
    public static let usage =
        "fault KIND [--on COMMAND] [--count N], KIND: garbage[:N] bad-checksum torn status:XX silence trickle[:MS] delay:MS"

    /// The text form, e.g. `status:41 --on read --count 2`.
    public var description: String {
        var text = kind.description
        if let command { text += " --on \(command)" }
        if count != 1 { text += " --count \(count)" }
        return text
    }
}
