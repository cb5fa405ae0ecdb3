import IDCard

/// Timeouts, retries and options of a reader session.
public struct ReaderSessionConfiguration: Sendable, Hashable {
    /// Use `30 10` (text, photo and fingerprints) instead of `30 01`.
    public var readFingerprints = false
    /// Ask for the appended address (`30 03`) after each read.
    public var readAppendedAddress = true
    /// Pause between two find-card polls while no card is in the field.
    public var pollInterval: Duration = .milliseconds(150)
    public var statusTimeout: Duration = .milliseconds(500)
    public var samIDTimeout: Duration = .milliseconds(500)
    public var findTimeout: Duration = .milliseconds(300)
    public var selectTimeout: Duration = .milliseconds(300)
    public var readTimeout: Duration = .seconds(2)
    public var readWithFingerprintTimeout: Duration = .seconds(3)
    public var appendedAddressTimeout: Duration = .milliseconds(1500)
    /// How often one command is sent before the reader counts as not answering (first try included).
    public var attemptsPerCommand = 3
    /// Consecutive "no card" answers after a read before the card counts as gone.
    public var removalConfirmations = 2
    /// First wait before reopening a reader that failed; doubles up to ``reopenBackoffMaximum``.
    public var reopenBackoffInitial: Duration = .milliseconds(500)
    public var reopenBackoffMaximum: Duration = .seconds(30)
    /// The device name put in each ``CardRead/reader``, e.g. `serial:/dev/ttyUSB0`.
    public var readerName: String?

    public init() {}
}

/// Something a reader session reports.
public enum ReaderEvent: Sendable, Hashable {
    /// The reader answered status and SAM ID: it is ready for cards.
    case ready(samId: String)
    /// A card was read. Reported once per presentation.
    case cardRead(CardRead)
    /// The card that was read has left the field (or is no longer presented).
    case cardRemoved
    /// A read failed in a way the person can fix by placing the card again.
    case cardError(ReaderError)
    /// A device or protocol fault. When the session closes the transport because of it, it reopens with backoff.
    case fault(ReaderError)
    /// Something worth a debug log line: discarded bytes, a stale answer, a retry.
    case diagnostic(String)
}

/// What the driver of a session must do.
public enum ReaderAction: Sendable, Hashable {
    /// Open the transport, then call ``ReaderSession/transportOpened(at:)`` or ``ReaderSession/transportOpenFailed(_:at:)``.
    case open
    /// Write these bytes (a complete frame).
    case send([UInt8])
    /// Close the transport. A ``open`` follows once the backoff has passed.
    case close
    /// Report an event.
    case emit(ReaderEvent)
}

/// The host side of GA 467 as a plain state machine: no I/O, no clock of its own.
///
/// The driver feeds it what happened — transport opened or failed, bytes received, time passed — with the
/// current instant, and performs the returned actions. It calls ``tick(at:)`` no later than
/// ``nextDeadline``. Sequence: at open, status (`11 FF`) then SAM ID (`12 FF`); then a loop of find (`20 01`),
/// select (`20 02`), read (`30 01`, or `30 10` with fingerprints), appended address (`30 03`), report the
/// card once, and keep polling until the card has left the field. Each command has a timeout and a number of
/// attempts; a reader that stops answering is reported and closed, and reopened with exponential backoff.
public struct ReaderSession: Sendable {
    public typealias Instant = ContinuousClock.Instant

    enum Step: Sendable, Hashable {
        case status, samID, find, select, read
        case appendedAddress(CardPayload)

        var command: SAMCommand {
            switch self {
            case .status: .samStatus
            case .samID: .readSAMID
            case .find: .findCard
            case .select: .selectCard
            case .read: .readTextAndPhoto
            case .appendedAddress: .readAppendedAddress
            }
        }
    }

    enum Phase: Sendable, Hashable {
        /// Closed; reopen at the instant (nil: an open is in progress).
        case closed(reopenAt: Instant?)
        case awaiting(Step, deadline: Instant, attempt: Int)
        case pausing(until: Instant)
    }

    public let configuration: ReaderSessionConfiguration
    private(set) var phase: Phase
    private var decoder = FrameDecoder(minimumBodySize: 3)
    private var backoff: Duration
    /// The text block of the card last reported, until it leaves the field.
    private var cardInField: [UInt8]?
    private var emptyFinds = 0
    /// The SAM ID once the reader has answered it.
    public private(set) var samId: String?

    public init(configuration: ReaderSessionConfiguration = .init()) {
        self.configuration = configuration
        self.phase = .closed(reopenAt: nil)
        self.backoff = configuration.reopenBackoffInitial
    }

    /// True while the transport is open.
    public var isOpen: Bool {
        if case .closed = phase { return false }
        return true
    }

    /// When ``tick(at:)`` must be called next; nil while an open is in progress.
    public var nextDeadline: Instant? {
        switch phase {
        case let .closed(reopenAt): reopenAt
        case let .awaiting(_, deadline, _): deadline
        case let .pausing(until): until
        }
    }

    /// Starts the session: the driver opens the transport.
    public mutating func start(at now: Instant) -> [ReaderAction] {
        phase = .closed(reopenAt: nil)
        return [.open]
    }

    /// The transport is open: ask for the SAM status.
    public mutating func transportOpened(at now: Instant) -> [ReaderAction] {
        decoder.reset()
        return send(.status, attempt: 1, at: now)
    }

    /// Opening failed: report it and try again after the backoff.
    public mutating func transportOpenFailed(_ error: ReaderError, at now: Instant) -> [ReaderAction] {
        phase = .closed(reopenAt: now + backoff)
        bumpBackoff()
        return [.emit(.fault(error))]
    }

    /// Reading or writing failed (unplugged, EIO): close, report, reopen with backoff.
    public mutating func transportFailed(_ error: ReaderError, at now: Instant) -> [ReaderAction] {
        closeAndReopenLater(reporting: error, at: now)
    }

    /// Bytes arrived from the reader.
    public mutating func received<S: Sequence>(_ bytes: S, at now: Instant) -> [ReaderAction] where S.Element == UInt8 {
        decoder.feed(bytes)
        return drainDecoder(at: now)
    }

    /// Time passed: handle a timeout, the end of a pause, or a due reopen.
    public mutating func tick(at now: Instant) -> [ReaderAction] {
        switch phase {
        case let .closed(reopenAt?) where now >= reopenAt:
            phase = .closed(reopenAt: nil)
            return [.open]
        case .closed:
            return []
        case let .pausing(until) where now >= until:
            return send(.find, attempt: 1, at: now)
        case .pausing:
            return []
        case let .awaiting(step, deadline, attempt) where now >= deadline:
            // A torn frame may hide a complete answer behind it: give up the partial frame and rescan first.
            var actions: [ReaderAction] = []
            if let dropped = decoder.abandonPartialFrame() {
                actions.append(.emit(.diagnostic("timeout: \(describe(dropped))")))
                actions += drainDecoder(at: now)
                if case let .awaiting(s2, _, a2) = phase, s2 == step, a2 == attempt {
                    // still waiting for the same answer
                } else {
                    return actions
                }
            }
            if attempt < configuration.attemptsPerCommand {
                actions.append(.emit(.diagnostic("\(commandName(step)): no answer, attempt \(attempt + 1)")))
                return actions + send(step, attempt: attempt + 1, at: now)
            }
            return actions + closeAndReopenLater(
                reporting: .timeout(command: commandName(step), attempts: attempt), at: now)
        case .awaiting:
            return []
        }
    }

    // MARK: - Internals

    private mutating func drainDecoder(at now: Instant) -> [ReaderAction] {
        var actions: [ReaderAction] = []
        while let event = decoder.next() {
            switch event {
            case let .discarded(reason, count):
                actions.append(.emit(.diagnostic(describe(.discarded(reason, count: count)))))
            case let .frame(body):
                guard let response = ResponseFrame(body: body) else { continue }
                actions += handle(response, at: now)
            }
        }
        return actions
    }

    private func describe(_ event: FrameDecoder.Event) -> String {
        guard case let .discarded(reason, count) = event else { return "frame" }
        return "discarded \(count) byte(s): \(reason)"
    }

    private func commandName(_ step: Step) -> String {
        if case .read = step, configuration.readFingerprints { return SAMCommand.readTextPhotoAndFingerprint.name }
        return step.command.name
    }

    private mutating func send(_ step: Step, attempt: Int, at now: Instant) -> [ReaderAction] {
        let command: SAMCommand
        let timeout: Duration
        switch step {
        case .status: (command, timeout) = (.samStatus, configuration.statusTimeout)
        case .samID: (command, timeout) = (.readSAMID, configuration.samIDTimeout)
        case .find: (command, timeout) = (.findCard, configuration.findTimeout)
        case .select: (command, timeout) = (.selectCard, configuration.selectTimeout)
        case .read:
            (command, timeout) = configuration.readFingerprints
                ? (.readTextPhotoAndFingerprint, configuration.readWithFingerprintTimeout)
                : (.readTextAndPhoto, configuration.readTimeout)
        case .appendedAddress: (command, timeout) = (.readAppendedAddress, configuration.appendedAddressTimeout)
        }
        phase = .awaiting(step, deadline: now + timeout, attempt: attempt)
        return [.send(command.encoded())]
    }

    private mutating func pause(at now: Instant) {
        phase = .pausing(until: now + configuration.pollInterval)
    }

    private mutating func bumpBackoff() {
        let doubled = backoff * 2
        backoff = doubled > configuration.reopenBackoffMaximum ? configuration.reopenBackoffMaximum : doubled
    }

    private mutating func closeAndReopenLater(reporting error: ReaderError, at now: Instant) -> [ReaderAction] {
        var actions: [ReaderAction] = [.close, .emit(.fault(error))]
        if cardInField != nil {
            cardInField = nil
            actions.append(.emit(.cardRemoved))
        }
        emptyFinds = 0
        decoder.reset()
        phase = .closed(reopenAt: now + backoff)
        bumpBackoff()
        return actions
    }

    /// Whether `response` can be the answer to `step`; anything else is a late answer to an earlier attempt.
    private func fits(_ response: ResponseFrame, _ step: Step) -> Bool {
        let n = response.data.count
        switch (step, response.status) {
        case (.samID, .ok): return n == 16
        case (.find, .ok): return false
        case (.select, .ok): return n == 8
        case (.select, .cardFound): return false
        case (.read, .ok): return n >= 4 + CardPayload.textSize
        case (.read, .cardFound), (.read, .itemEmpty): return false
        case (.appendedAddress, .ok): return n % AppendedAddressPayload.recordSize == 0
        case (.appendedAddress, .cardFound): return false
        case (.status, .cardFound): return false
        case (.status, .ok): return n == 0
        default: return true
        }
    }

    private mutating func handle(_ response: ResponseFrame, at now: Instant) -> [ReaderAction] {
        guard case let .awaiting(step, _, _) = phase else {
            return [.emit(.diagnostic("unexpected answer \(response.status) while not waiting"))]
        }
        guard fits(response, step) else {
            return [.emit(.diagnostic("stale answer \(response.status), \(response.data.count) bytes, ignored"))]
        }
        let status = response.status
        let failure = ReaderError.status(command: commandName(step), status, sw1: response.sw1, sw2: response.sw2)

        // Faults of the SAM itself end the session whatever the command.
        if status.kind == .samFault {
            return closeAndReopenLater(reporting: failure, at: now)
        }

        switch step {
        case .status:
            guard status == .ok else { return closeAndReopenLater(reporting: failure, at: now) }
            return send(.samID, attempt: 1, at: now)

        case .samID:
            guard status == .ok, let id = SAMID(bytes: response.data) else {
                return closeAndReopenLater(reporting: failure, at: now)
            }
            samId = id.description
            backoff = configuration.reopenBackoffInitial
            return [.emit(.ready(samId: id.description))] + send(.find, attempt: 1, at: now)

        case .find:
            if status == .cardFound {
                return send(.select, attempt: 1, at: now)
            }
            var actions: [ReaderAction] = []
            if status == .findFailed {
                if cardInField != nil {
                    emptyFinds += 1
                    if emptyFinds >= configuration.removalConfirmations {
                        cardInField = nil
                        emptyFinds = 0
                        actions.append(.emit(.cardRemoved))
                    }
                }
            } else {
                actions.append(.emit(failure.isRetryByPerson ? .cardError(failure) : .fault(failure)))
            }
            pause(at: now)
            return actions

        case .select:
            if status == .ok { return send(.read, attempt: 1, at: now) }
            pause(at: now)
            if status == .findFailed { return [] }  // the card left between find and select
            return [.emit(failure.isRetryByPerson ? .cardError(failure) : .fault(failure))]

        case .read:
            guard status == .ok else {
                pause(at: now)
                return [.emit(failure.isRetryByPerson || status.kind == .noCard ? .cardError(failure) : .fault(failure))]
            }
            let payload: CardPayload
            do {
                payload = try CardPayload.parse(response.data, withFingerprint: configuration.readFingerprints)
            } catch {
                pause(at: now)
                return [.emit(.fault(error))]
            }
            if let previous = cardInField, previous == payload.text {
                // A SAM that reports the same card again while it stays in the field: not a new presentation.
                emptyFinds = 0
                pause(at: now)
                return [.emit(.diagnostic("same card still in the field"))]
            }
            if configuration.readAppendedAddress {
                return send(.appendedAddress(payload), attempt: 1, at: now)
            }
            return complete(payload, addresses: [], extra: [], at: now)

        case let .appendedAddress(payload):
            switch status {
            case .ok:
                do {
                    return complete(payload, addresses: try AppendedAddressPayload.parse(response.data), extra: [], at: now)
                } catch {
                    return complete(payload, addresses: [], extra: [CardWarning(rawValue: "appendedAddress.malformed")], at: now)
                }
            case .itemEmpty:
                return complete(payload, addresses: [], extra: [], at: now)
            default:
                return complete(payload, addresses: [], extra: [CardWarning(rawValue: "appendedAddress.readFailed")], at: now)
            }
        }
    }

    private mutating func complete(
        _ payload: CardPayload, addresses: [String], extra: [CardWarning], at now: Instant
    ) -> [ReaderAction] {
        var card = payload.cardRead(appendedAddresses: addresses, samId: samId, reader: configuration.readerName)
        card.extraWarnings += extra
        cardInField = payload.text
        emptyFinds = 0
        pause(at: now)
        return [.emit(.cardRead(card))]
    }
}
