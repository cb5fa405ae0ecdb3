/// The GA 467 commands renfang uses (domain.md §1).
public enum SAMCommand: Hashable, Sendable {
    /// `10 FF` reset the SAM.
    case resetSAM
    /// `11 FF` SAM status.
    case samStatus
    /// `12 FF` read the 16-byte SAM ID.
    case readSAMID
    /// `20 01` find card: `9F` + 4 bytes when a new card is in the field, `80` when not.
    case findCard
    /// `20 02` select card: `90` + 8 bytes, `81` on failure.
    case selectCard
    /// `30 01` read text and photo.
    case readTextAndPhoto
    /// `30 10` read text, photo and fingerprints.
    case readTextPhotoAndFingerprint
    /// `30 03` read the appended address (`91` when none).
    case readAppendedAddress
    /// `30 05` read the 8-byte card serial number (CID).
    case readCardSerial
    /// `60 0x` set the UART rate.
    case setBaudRate(BaudRate)
    /// `61 FF nn` maximum RF frame bytes.
    case setMaximumRFFrame(UInt8)

    /// UART rates the SAM accepts, with their `60 xx` parameter.
    public enum BaudRate: UInt8, Sendable, Hashable, CaseIterable {
        case b115200 = 0x00, b57600 = 0x01, b38400 = 0x02, b19200 = 0x03, b9600 = 0x04
        public var bitsPerSecond: Int {
            switch self {
            case .b115200: 115200
            case .b57600: 57600
            case .b38400: 38400
            case .b19200: 19200
            case .b9600: 9600
            }
        }
    }

    /// The frame to send.
    public var frame: CommandFrame {
        switch self {
        case .resetSAM: CommandFrame(command: 0x10, parameter: 0xFF)
        case .samStatus: CommandFrame(command: 0x11, parameter: 0xFF)
        case .readSAMID: CommandFrame(command: 0x12, parameter: 0xFF)
        case .findCard: CommandFrame(command: 0x20, parameter: 0x01)
        case .selectCard: CommandFrame(command: 0x20, parameter: 0x02)
        case .readTextAndPhoto: CommandFrame(command: 0x30, parameter: 0x01)
        case .readTextPhotoAndFingerprint: CommandFrame(command: 0x30, parameter: 0x10)
        case .readAppendedAddress: CommandFrame(command: 0x30, parameter: 0x03)
        case .readCardSerial: CommandFrame(command: 0x30, parameter: 0x05)
        case let .setBaudRate(rate): CommandFrame(command: 0x60, parameter: rate.rawValue)
        case let .setMaximumRFFrame(n): CommandFrame(command: 0x61, parameter: 0xFF, data: [n])
        }
    }

    /// The complete frame on the wire, e.g. `AA AA AA 96 69 00 03 20 01 22` for find card.
    public func encoded() -> [UInt8] { frame.encoded() }

    /// Recognises a received command frame (the SAM side, used by the emulator); nil when unknown or when
    /// it carries data the command does not take.
    public init?(frame: CommandFrame) {
        if frame.command != 0x61 && !frame.data.isEmpty { return nil }
        switch (frame.command, frame.parameter) {
        case (0x10, 0xFF): self = .resetSAM
        case (0x11, 0xFF): self = .samStatus
        case (0x12, 0xFF): self = .readSAMID
        case (0x20, 0x01): self = .findCard
        case (0x20, 0x02): self = .selectCard
        case (0x30, 0x01): self = .readTextAndPhoto
        case (0x30, 0x10): self = .readTextPhotoAndFingerprint
        case (0x30, 0x03): self = .readAppendedAddress
        case (0x30, 0x05): self = .readCardSerial
        case let (0x60, p):
            guard let rate = BaudRate(rawValue: p) else { return nil }
            self = .setBaudRate(rate)
        case (0x61, 0xFF):
            guard frame.data.count == 1 else { return nil }
            self = .setMaximumRFFrame(frame.data[0])
        default: return nil
        }
    }

    /// A short stable name for logs and errors.
    public var name: String {
        switch self {
        case .resetSAM: "resetSAM"
        case .samStatus: "samStatus"
        case .readSAMID: "readSAMID"
        case .findCard: "findCard"
        case .selectCard: "selectCard"
        case .readTextAndPhoto: "readTextAndPhoto"
        case .readTextPhotoAndFingerprint: "readTextPhotoAndFingerprint"
        case .readAppendedAddress: "readAppendedAddress"
        case .readCardSerial: "readCardSerial"
        case .setBaudRate: "setBaudRate"
        case .setMaximumRFFrame: "setMaximumRFFrame"
        }
    }
}
