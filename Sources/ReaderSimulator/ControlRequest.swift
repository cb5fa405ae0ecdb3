/// One line of the emulator's control protocol.
///
/// The control socket (a Unix stream socket, default ``EmulatorServer/defaultControlPath``) takes one
/// command per line and answers each with one line, `ok …` or `error …` (``ControlReply``):
///
/// | request | reply |
/// |---|---|
/// | `place NAME` | `ok placed NAME TYPE` — puts the deck card NAME in the field (a new presentation) |
/// | `place --random` (or `place random`) | `ok placed random-N TYPE` — a card from the seeded generator |
/// | `remove` | `ok removed NAME`, or `ok no card` |
/// | `fault KIND [--on COMMAND] [--count N]` | `ok queued KIND …` (``EmulatorFault``) |
/// | `fault clear` | `ok cleared N` |
/// | `list` | `ok NAME:TYPE NAME:TYPE …` — the deck, TYPE a ``IDCard/CardType`` raw value |
/// | `status` | `ok card=NAME\|- read=yes\|no faults=N frames=N device=PATH link=PATH answered=NS\|-` (`answered`: `CLOCK_MONOTONIC` ns of the last read answer written) |
/// | `help` | `ok` and the list of requests |
///
/// Anything else: `error …` naming what was wrong.
public enum ControlRequest: Sendable, Hashable {
    /// Put the named deck card in the field.
    case place(String)
    /// Put a generated random card in the field.
    case placeRandom
    /// Take the card out of the field.
    case remove
    /// Queue a fault.
    case fault(EmulatorFault)
    /// Empty the fault queue.
    case clearFaults
    /// List the deck.
    case list
    /// Report the emulator's state.
    case status
    /// List the requests.
    case help

    /// Why a line was not a request.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// One line per request, for `help` and error messages.
    public static let usage = [
        "place NAME", "place --random", "remove", "fault KIND [--on COMMAND] [--count N]", "fault clear", "list",
        "status", "help",
    ]

    /// Parses one line (surrounding spaces ignored, words separated by spaces or tabs).
    public init(line: String) throws(ParseError) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        guard let verb = words.first else { throw ParseError(message: "empty request") }
        let rest = Array(words.dropFirst())
        func noArguments(_ request: ControlRequest) throws(ParseError) -> ControlRequest {
            guard rest.isEmpty else { throw ParseError(message: "\(verb) takes no arguments") }
            return request
        }
        switch verb.lowercased() {
        case "place":
            guard rest.count == 1 else { throw ParseError(message: "usage: place NAME | place --random") }
            self = rest[0] == "--random" || rest[0] == "random" ? .placeRandom : .place(rest[0])
        case "remove": self = try noArguments(.remove)
        case "fault":
            if rest == ["clear"] {
                self = .clearFaults
                return
            }
            do {
                self = .fault(try EmulatorFault(arguments: rest))
            } catch {
                throw ParseError(message: error.message)
            }
        case "list": self = try noArguments(.list)
        case "status": self = try noArguments(.status)
        case "help": self = try noArguments(.help)
        default:
            throw ParseError(message: "unknown request \"\(verb)\"; requests: " + Self.usage.joined(separator: " | "))
        }
    }

    /// The request as a line (without the newline); ``init(line:)`` parses it back.
    public var line: String {
        switch self {
        case let .place(name): "place \(name)"
        case .placeRandom: "place --random"
        case .remove: "remove"
        case let .fault(fault): "fault \(fault)"
        case .clearFaults: "fault clear"
        case .list: "list"
        case .status: "status"
        case .help: "help"
        }
    }
}

/// One reply line of the control protocol: `ok TEXT` or `error TEXT`.
public struct ControlReply: Sendable, Hashable, CustomStringConvertible {
    /// Whether the request succeeded.
    public var ok: Bool
    /// The text after `ok`/`error` (single line).
    public var text: String

    /// A reply; newlines in `text` become spaces so it stays one line.
    public init(ok: Bool, _ text: String) {
        self.ok = ok
        self.text = String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// Parses a reply line; nil when it starts with neither `ok` nor `error`.
    public init?(line: String) {
        let trimmed = line.hasSuffix("\n") ? String(line.dropLast()) : line
        if trimmed == "ok" || trimmed.hasPrefix("ok ") {
            self.init(ok: true, String(trimmed.dropFirst(min(3, trimmed.count))))
        } else if trimmed == "error" || trimmed.hasPrefix("error ") {
            self.init(ok: false, String(trimmed.dropFirst(min(6, trimmed.count))))
        } else {
            return nil
        }
    }

    /// The line as sent (without the newline).
    public var line: String { (ok ? "ok" : "error") + (text.isEmpty ? "" : " " + text) }

    /// The line as sent.
    public var description: String { line }

    /// The `list` reply's entries: `NAME:TYPE` words split into pairs.
    public var listEntries: [(name: String, cardType: String)] {
        text.split(separator: " ").map { word in
            let parts = word.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }
}
