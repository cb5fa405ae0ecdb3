import IDCard
import SAMProtocol

/// Which PC/SC readers a ``PCSCMonitor`` watches.
enum PCSCReaderFilter: Sendable, Hashable {
    /// Every reader.
    case all
    /// Names matching a glob: `*` any run of characters, `?` one character, the rest literal; case-insensitive.
    case glob(String)
    /// Exactly this name.
    case exact(String)

    init(pattern: String?) {
        self = pattern.map { .glob($0) } ?? .all
    }

    func matches(_ name: String) -> Bool {
        switch self {
        case .all: true
        case let .exact(wanted): name == wanted
        case let .glob(pattern): Self.glob(Array(pattern.lowercased()), Array(name.lowercased()))
        }
    }

    /// Iterative glob match with backtracking to the last `*`.
    static func glob(_ p: [Character], _ s: [Character]) -> Bool {
        var pi = 0, si = 0
        var star: Int?, mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || p[pi] == s[si] {
                pi += 1
                si += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = si
                pi += 1
            } else if let st = star {
                pi = st + 1
                mark += 1
                si = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Exponential backoff for re-establishing the PC/SC context: 0.5 s doubling up to 5 s by default.
struct PCSCBackoff: Sendable, Hashable {
    let initial: Duration
    let maximum: Duration
    private(set) var current: Duration

    init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
        self.current = initial
    }

    /// The wait before the next attempt; the one after it is twice as long, up to the maximum.
    mutating func next() -> Duration {
        let wait = current
        current = min(current * 2, maximum)
        return wait
    }

    mutating func reset() { current = initial }
}

/// The decisions of a ``PCSCMonitor`` without any I/O: which readers are watched, what to report when the
/// reader list or a reader's state changes, when to read a card (once per presentation), what a card's
/// answer means, and what to report when the service goes away.
///
/// The monitor thread feeds it what pcsc-lite returned and performs the ``Step``s.
struct PCSCMonitorLogic: Sendable {
    /// What the monitor must do.
    enum Step: Sendable, Hashable {
        case emit(PCSCMonitor.Event)
        /// Connect to the card in this reader and send ``PCSCMonitorLogic/cardNumberAPDU``; then call
        /// ``cardAnswered(reader:response:)`` or ``cardFailed(reader:error:)``.
        case readCard(String)
    }

    /// `00 36 00 00 08`: the 8-byte physical card number of a second-generation ID card.
    static let cardNumberAPDU: [UInt8] = [0x00, 0x36, 0x00, 0x00, 0x08]

    // pcsclite.h SCARD_STATE_* bits.
    static let stateChanged: UInt = 0x0002
    static let stateUnknown: UInt = 0x0004
    static let stateUnavailable: UInt = 0x0008
    static let stateEmpty: UInt = 0x0010
    static let statePresent: UInt = 0x0020
    static let stateMute: UInt = 0x0200

    struct Slot: Sendable, Hashable {
        /// The reader's last event state (CHANGED cleared), given back as `dwCurrentState`; 0 = unaware.
        var known: UInt = 0
        /// pcsc-lite's event counter (high 16 bits of the state) of the presentation already handled.
        var handledPresentation: UInt?
        /// A cardRead was reported for the card now in the reader (so its removal is reported).
        var reported = false
    }

    let filter: PCSCReaderFilter
    private(set) var backoff: PCSCBackoff
    /// The watched readers, in pcsc-lite's order.
    private(set) var readers: [String] = []
    private(set) var slots: [String: Slot] = [:]
    /// How many readers the service has in all (not only watched ones), for the PnP entry.
    private(set) var totalReaderCount = 0
    /// True between a successful listing and the next service failure.
    private(set) var serviceUp = false
    private var outageReported = false

    init(filter: PCSCReaderFilter, backoff: PCSCBackoff = PCSCBackoff()) {
        self.filter = filter
        self.backoff = backoff
    }

    static func deviceName(_ reader: String) -> String { "pcsc:\(reader)" }

    /// The wait before the next attempt to reach the service.
    mutating func nextBackoff() -> Duration { backoff.next() }

    // MARK: - Service

    /// Establishing the context, listing or waiting failed: the service is not there, or the context is
    /// unusable. Report a fault once per outage (``ReaderError/cannotOpen(device:reason:)`` before the first
    /// success since the last outage, ``ReaderError/deviceGone(device:reason:)`` after it), and every
    /// watched reader as gone.
    mutating func serviceFailed(_ error: PCSCError) -> [Step] {
        let wasUp = serviceUp
        serviceUp = false
        var steps: [Step] = []
        if !outageReported {
            outageReported = true
            // Whatever the code (after a crash of pcscd, pcsc-lite 1.9.9 may answer SCARD_F_COMM_ERROR,
            // SCARD_E_NO_SERVICE or even SCARD_W_SECURITY_VIOLATION), the context is lost.
            steps.append(.emit(.fault(wasUp
                ? .deviceGone(device: "pcsc", reason: error.description)
                : .cannotOpen(device: "pcsc", reason: error.description))))
        }
        for name in readers {
            if slots[name]?.reported == true { steps.append(.emit(.reader(name, .cardRemoved))) }
            steps.append(.emit(.readerRemoved(name)))
        }
        readers = []
        slots = [:]
        totalReaderCount = 0
        return steps
    }

    /// The service listed these readers (all of them; the filter is applied here).
    mutating func listed(_ all: [String]) -> [Step] {
        totalReaderCount = all.count
        let matching = all.filter(filter.matches)
        var steps: [Step] = []
        for name in readers where !matching.contains(name) {
            if slots[name]?.reported == true { steps.append(.emit(.reader(name, .cardRemoved))) }
            steps.append(.emit(.readerRemoved(name)))
            slots[name] = nil
        }
        for name in matching where slots[name] == nil {
            slots[name] = Slot()
            steps.append(.emit(.readerAdded(name)))
        }
        readers = matching
        if !serviceUp {
            serviceUp = true
            outageReported = false
            backoff.reset()
            steps.append(.emit(.serviceReady(readers: matching)))
        }
        return steps
    }

    /// The entries for `SCardGetStatusChange`: each watched reader with its last known state, then the
    /// PnP notification entry with the service's reader count in the high 16 bits.
    func waitStates() -> [PCSCContext.ReaderState] {
        readers.map { PCSCContext.ReaderState(reader: $0, currentState: slots[$0]?.known ?? 0) }
            + [PCSCContext.ReaderState(reader: PCSCContext.plugAndPlayReader, currentState: UInt(totalReaderCount) << 16)]
    }

    // MARK: - Reader states

    /// `SCardGetStatusChange` returned these states.
    mutating func changed(_ states: [PCSCContext.ReaderState]) -> [Step] {
        var steps: [Step] = []
        for state in states where state.reader != PCSCContext.plugAndPlayReader {
            steps += changed(reader: state.reader, eventState: state.eventState)
        }
        return steps
    }

    /// One reader's new state (`dwEventState`).
    mutating func changed(reader name: String, eventState: UInt) -> [Step] {
        guard var slot = slots[name] else { return [] }
        defer { slots[name] = slot }
        let state = eventState & ~Self.stateChanged
        slot.known = state
        var steps: [Step] = []
        let present = state & Self.statePresent != 0
            && state & (Self.stateUnknown | Self.stateUnavailable) == 0
        guard present else {
            if slot.reported { steps.append(.emit(.reader(name, .cardRemoved))) }
            slot.reported = false
            slot.handledPresentation = nil
            return steps
        }
        let presentation = (state >> 16) & 0xFFFF
        if slot.handledPresentation == presentation { return [] }  // the same card, still there
        if slot.reported {
            // Another card (or the same one again) came between two looks: the first one left.
            steps.append(.emit(.reader(name, .cardRemoved)))
            slot.reported = false
        }
        slot.handledPresentation = presentation
        if state & Self.stateMute != 0 {
            steps.append(.emit(.reader(name, .cardError(
                .status(command: "ATR (card mute)", .readFailed, sw1: 0, sw2: 0)))))
        } else {
            steps.append(.readCard(name))
        }
        return steps
    }

    // MARK: - Card transaction

    /// The card answered ``cardNumberAPDU`` with `response` (data + SW1 SW2).
    mutating func cardAnswered(reader name: String, response: [UInt8]) -> [Step] {
        guard slots[name] != nil else { return [] }
        let n = response.count
        guard n >= 2 else {
            // No status word at all: vpcd (and some drivers) answer so when the card left mid-command.
            return [.emit(.reader(name, .cardError(.status(command: "cardNumber (00 36): no answer", .readFailed, sw1: 0, sw2: 0))))]
        }
        let sw1 = response[n - 2], sw2 = response[n - 1]
        guard sw1 == 0x90, sw2 == 0x00, n == 10 else {
            let command = n == 2 ? "cardNumber (00 36)" : "cardNumber (00 36): \(n - 2) data bytes"
            return [.emit(.reader(name, .cardError(.status(command: command, .readFailed, sw1: sw1, sw2: sw2))))]
        }
        slots[name]?.reported = true
        let card = CardRead(
            text: CardText(cardType: .physicalOnly),
            reader: Self.deviceName(name),
            cardNumber: Self.hex(response.prefix(8)))
        return [.emit(.reader(name, .cardRead(card)))]
    }

    /// Connecting or transmitting failed.
    mutating func cardFailed(reader name: String, error: PCSCError) -> [Step] {
        guard slots[name] != nil else { return [] }
        let detail = Step.emit(.reader(name, .diagnostic(error.description)))
        if error.isCardGone {
            // Removed (or reset, mute) mid-transaction: ask the person to place the card again.
            return [detail, .emit(.reader(name, .cardError(.status(command: error.function, .readFailed, sw1: 0, sw2: 0))))]
        }
        if error.isReaderGone || error.isNoService {
            return [detail]  // the next listing or wait reports it
        }
        return [.emit(.reader(name, .fault(error.readerError(device: Self.deviceName(name)))))]
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789ABCDEF")
        var s = ""
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0xF)])
        }
        return s
    }
}

/// What a ``PCSCCardReader`` reports for its one reader, from the monitor's events: without I/O.
struct PCSCCardReaderLogic: Sendable {
    let readerName: String
    private(set) var present = false
    /// A fault for "not there" was reported since the reader was last present (one per absence).
    private var absenceReported = false

    init(readerName: String) {
        self.readerName = readerName
    }

    var deviceName: String { PCSCMonitorLogic.deviceName(readerName) }

    /// The events for `event`; `available` (all reader names, when known) goes into the reason of a
    /// missing reader's fault.
    mutating func map(_ event: PCSCMonitor.Event, available: [String]? = nil) -> [ReaderEvent] {
        switch event {
        case let .readerAdded(name) where name == readerName:
            present = true
            absenceReported = false
            return [.ready(samId: "")]
        case let .readerRemoved(name) where name == readerName:
            return reportAbsence(.deviceGone(device: deviceName, reason: "the PC/SC reader was removed"))
        case let .reader(name, event) where name == readerName:
            return [event]
        case let .serviceReady(readers) where !readers.contains(readerName):
            let others = available ?? []
            return reportAbsence(.cannotOpen(device: deviceName, reason: "no PC/SC reader of that name"
                + (others.isEmpty ? "" : " (readers: \(others.joined(separator: ", ")))")))
        case let .fault(error):
            // The service's fault, told as this reader's: `pcsc:NAME` cannot be opened / is gone.
            switch error {
            case let .cannotOpen(_, reason): return reportAbsence(.cannotOpen(device: deviceName, reason: reason))
            case let .deviceGone(_, reason): return reportAbsence(.deviceGone(device: deviceName, reason: reason))
            default: return reportAbsence(error)
            }
        default:
            return []
        }
    }

    private mutating func reportAbsence(_ error: ReaderError) -> [ReaderEvent] {
        present = false
        guard !absenceReported else { return [] }
        absenceReported = true
        return [.fault(error)]
    }
}
