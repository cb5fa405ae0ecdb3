import IDCard
import SAMProtocol

/// The SAM side of GA 467 as a pure value: feed it the bytes the host wrote, get back what to write.
///
/// No I/O and no clock: ``receive(_:)`` returns ``EmulatorOutput`` steps (bytes and pauses) that a driver
/// such as ``EmulatorServer`` performs. Answers (SW1 SW2 are always `00 00`):
///
/// | command | answer |
/// |---|---|
/// | `10 FF` reset | 90; the card in the field counts as newly presented (the RF field restarts) |
/// | `11 FF` status, `60 xx` rate, `61 FF nn` RF frame | 90 |
/// | `12 FF` SAM ID | 90 + 16 bytes (``samID``) |
/// | `20 01` find | 9F + `00 00 00 00` when a card is placed and not yet read in this presentation; else 80 |
/// | `20 02` select | 90 + 8 zero bytes when a card is in the field; else 81 |
/// | `30 01` read | 90 + ``CardPayload`` (text, photo); marks the card read. No card: 41 |
/// | `30 10` read with fingerprints | the same with fpLen 0, 512 or 1024. No card: 41 |
/// | `30 03` appended address | 90 + N×70 bytes, or 91 when the card has none. No card: 41 |
/// | `30 05` card serial | 90 + 8 bytes. No card: 41 |
/// | anything else | 21 |
/// | a host frame with a bad checksum | 10 (a bad length field: 11) |
///
/// A real SAM answers 80 to find after a successful read until the card leaves and comes back
/// (``place(_:)`` after ``remove()``). With ``suppressRepeatFind`` off it keeps answering 9F while the card
/// stays, like SAMs that leave de-duplication to the host. Reads do not require a preceding find or select.
public struct SAMEmulator: Sendable {
    /// One host frame handled by ``handle(_:)``: what came in, what the SAM answered, which fault applied,
    /// and the steps to perform.
    public struct Exchange: Sendable, Hashable {
        /// The command; nil for a host frame rejected for its checksum or length.
        public var request: CommandFrame?
        /// The answer before the fault was applied; nil under ``EmulatorFault/Kind/silence``.
        public var response: ResponseFrame?
        /// The fault that shaped the output, if any.
        public var fault: EmulatorFault.Kind?
        /// What to write, and when.
        public var outputs: [EmulatorOutput]
    }

    /// The SAM ID this emulator reports unless configured otherwise: `05.01-20250601-0000000467-0000000001`.
    public static let defaultSAMID = SAMID(a: 5, b: 1, c: 20_250_601, d: 467, e: 1)

    /// Returned by `12 FF`.
    public var samID: SAMID
    /// True (the default): find answers 80 after a successful read until the card is placed again.
    public var suppressRepeatFind: Bool
    /// The card in the field, if any.
    public private(set) var card: DeckCard?
    /// Whether the card in the field has been read (`30 01`/`30 10` answered 90) in this presentation.
    public private(set) var cardHasBeenRead = false
    /// Faults waiting to be applied, in order.
    public private(set) var faults: [EmulatorFault] = []
    /// Host frames handled so far (commands and rejected frames).
    public private(set) var framesReceived = 0

    private var decoder = FrameDecoder(minimumBodySize: 2)
    private var rng: SplitMix64

    /// An emulator with no card in the field. `seed` drives the garbage bytes of faults.
    public init(samID: SAMID = defaultSAMID, suppressRepeatFind: Bool = true, seed: UInt64 = CardDeck.defaultSeed) {
        self.samID = samID
        self.suppressRepeatFind = suppressRepeatFind
        self.rng = SplitMix64(seed: seed)
    }

    // MARK: - The field

    /// Puts `card` in the field as a new presentation (replacing any card there).
    public mutating func place(_ card: DeckCard) {
        self.card = card
        cardHasBeenRead = false
    }

    /// Takes the card out of the field.
    public mutating func remove() {
        card = nil
        cardHasBeenRead = false
    }

    // MARK: - Faults

    /// Queues a fault.
    public mutating func inject(_ fault: EmulatorFault) {
        faults.append(fault)
    }

    /// Empties the fault queue.
    public mutating func clearFaults() {
        faults.removeAll()
    }

    // MARK: - Bytes in, bytes out

    /// Feeds received bytes (any chunking) and returns the steps to perform for every frame they complete.
    public mutating func receive<S: Sequence>(_ bytes: S) -> [EmulatorOutput] where S.Element == UInt8 {
        handle(bytes).flatMap(\.outputs)
    }

    /// Like ``receive(_:)``, with the detail of each exchange (for logs and tests).
    public mutating func handle<S: Sequence>(_ bytes: S) -> [Exchange] where S.Element == UInt8 {
        var exchanges: [Exchange] = []
        for event in decoder.decode(bytes) {
            switch event {
            case let .frame(body):
                framesReceived += 1
                // minimumBodySize 2 guarantees CMD PARA.
                guard let request = CommandFrame(body: body) else { continue }
                exchanges.append(exchange(for: request))
            case .discarded(.badChecksum, _):
                framesReceived += 1
                let response = ResponseFrame(status: .hostChecksumError)
                exchanges.append(Exchange(request: nil, response: response, fault: nil, outputs: [.write(response.encoded())]))
            case .discarded(.badLength, _):
                framesReceived += 1
                let response = ResponseFrame(status: .hostLengthError)
                exchanges.append(Exchange(request: nil, response: response, fault: nil, outputs: [.write(response.encoded())]))
            case .discarded(.garbage, _), .discarded(.abandoned, _):
                continue
            }
        }
        return exchanges
    }

    private mutating func exchange(for request: CommandFrame) -> Exchange {
        guard let fault = takeFault(for: request) else {
            let response = answer(to: request)
            return Exchange(request: request, response: response, fault: nil, outputs: [.write(response.encoded())])
        }
        switch fault {
        case .silence:
            return Exchange(request: request, response: nil, fault: fault, outputs: [])
        case let .status(sw3):
            let response = ResponseFrame(status: SAMStatus(rawValue: sw3))
            return Exchange(request: request, response: response, fault: fault, outputs: [.write(response.encoded())])
        case let .garbage(count):
            let response = answer(to: request)
            let noise = rng.bytes(count).map { $0 == 0xAA ? 0x55 : $0 }
            return Exchange(request: request, response: response, fault: fault, outputs: [.write(noise), .write(response.encoded())])
        case .badChecksum:
            let response = answer(to: request)
            var bytes = response.encoded()
            bytes[bytes.count - 1] ^= 0xFF
            return Exchange(request: request, response: response, fault: fault, outputs: [.write(bytes)])
        case .torn:
            let response = answer(to: request)
            let bytes = response.encoded()
            let keep = Frame.headerSize + (bytes.count - Frame.headerSize) / 2
            return Exchange(request: request, response: response, fault: fault, outputs: [.write(Array(bytes.prefix(keep)))])
        case let .trickle(interval):
            let response = answer(to: request)
            var outputs: [EmulatorOutput] = []
            for (i, byte) in response.encoded().enumerated() {
                if i > 0 { outputs.append(.delay(interval)) }
                outputs.append(.write([byte]))
            }
            return Exchange(request: request, response: response, fault: fault, outputs: outputs)
        case let .delay(pause):
            let response = answer(to: request)
            return Exchange(request: request, response: response, fault: fault, outputs: [.delay(pause), .write(response.encoded())])
        }
    }

    /// Takes one use of the first queued fault that applies to `request`.
    private mutating func takeFault(for request: CommandFrame) -> EmulatorFault.Kind? {
        guard let i = faults.firstIndex(where: { $0.command?.matches(request) ?? true }) else { return nil }
        let kind = faults[i].kind
        faults[i].count -= 1
        if faults[i].count <= 0 { faults.remove(at: i) }
        return kind
    }

    /// The answer of a healthy SAM to `request`, with its effect on the presentation state (no faults).
    public mutating func answer(to request: CommandFrame) -> ResponseFrame {
        guard let command = SAMCommand(frame: request) else {
            return ResponseFrame(status: .commandError)
        }
        switch command {
        case .resetSAM:
            cardHasBeenRead = false
            return ResponseFrame(status: .ok)
        case .samStatus, .setBaudRate, .setMaximumRFFrame:
            return ResponseFrame(status: .ok)
        case .readSAMID:
            return ResponseFrame(status: .ok, data: samID.bytes)
        case .findCard:
            guard card != nil, !(suppressRepeatFind && cardHasBeenRead) else { return ResponseFrame(status: .findFailed) }
            return ResponseFrame(status: .cardFound, data: [0, 0, 0, 0])
        case .selectCard:
            guard card != nil else { return ResponseFrame(status: .selectFailed) }
            return ResponseFrame(status: .ok, data: [UInt8](repeating: 0, count: 8))
        case .readTextAndPhoto, .readTextPhotoAndFingerprint:
            guard let card else { return ResponseFrame(status: .readFailed) }
            cardHasBeenRead = true
            let withFingerprint = command == .readTextPhotoAndFingerprint
            return ResponseFrame(status: .ok, data: card.payload.encoded(withFingerprint: withFingerprint))
        case .readAppendedAddress:
            guard let card else { return ResponseFrame(status: .readFailed) }
            guard !card.appendedAddresses.isEmpty else { return ResponseFrame(status: .itemEmpty) }
            return ResponseFrame(status: .ok, data: AppendedAddressPayload.encode(card.appendedAddresses))
        case .readCardSerial:
            guard let card else { return ResponseFrame(status: .readFailed) }
            return ResponseFrame(status: .ok, data: card.cardSerial)
        }
    }
}
