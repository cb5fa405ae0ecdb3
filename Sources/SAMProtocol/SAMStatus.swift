/// SW3, the SAM's status byte, as a typed value with Chinese and English text.
///
/// Unknown values are kept (``rawValue``) and described as a generic failure with their hex value.
public struct SAMStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// What a status means for the reader session: go on, ask the person to try again, or a device fault.
    public enum Kind: String, Sendable, Hashable {
        /// The command succeeded (90, 9F).
        case success
        /// The item asked for is not on the card (91): not an error.
        case empty
        /// No card in the field (80) — the normal idle answer to find card.
        case noCard
        /// A card-side failure: the card moved, was removed mid-read or could not be authenticated.
        /// Ask the person to place the card again (41, 31, 32, 33, 40, 47, 81).
        case retryCard
        /// The host sent something the SAM did not accept (10, 11, 21): a protocol fault on our side or on the line.
        case hostError
        /// The SAM itself failed or is not authorised (23, 60, 66): a device fault for the operator.
        case samFault
        /// Any other value (24 and unknown values).
        case unknown
    }

    public static let ok = SAMStatus(rawValue: 0x90)
    public static let itemEmpty = SAMStatus(rawValue: 0x91)
    public static let cardFound = SAMStatus(rawValue: 0x9F)
    public static let hostChecksumError = SAMStatus(rawValue: 0x10)
    public static let hostLengthError = SAMStatus(rawValue: 0x11)
    public static let commandError = SAMStatus(rawValue: 0x21)
    public static let unauthorised = SAMStatus(rawValue: 0x23)
    public static let unknownError = SAMStatus(rawValue: 0x24)
    public static let cardFailedToAuthenticateSAM = SAMStatus(rawValue: 0x31)
    public static let samFailedToAuthenticateCard = SAMStatus(rawValue: 0x32)
    public static let verificationError = SAMStatus(rawValue: 0x33)
    public static let unknownCardType = SAMStatus(rawValue: 0x40)
    public static let readFailed = SAMStatus(rawValue: 0x41)
    public static let getChallengeFailed = SAMStatus(rawValue: 0x47)
    public static let samSelfTestFailed = SAMStatus(rawValue: 0x60)
    public static let samNotAuthorised = SAMStatus(rawValue: 0x66)
    public static let findFailed = SAMStatus(rawValue: 0x80)
    public static let selectFailed = SAMStatus(rawValue: 0x81)

    /// Every status word listed in GA 467 (domain.md §1).
    public static let known: [SAMStatus] = [
        .ok, .itemEmpty, .cardFound, .hostChecksumError, .hostLengthError, .commandError, .unauthorised,
        .unknownError, .cardFailedToAuthenticateSAM, .samFailedToAuthenticateCard, .verificationError,
        .unknownCardType, .readFailed, .getChallengeFailed, .samSelfTestFailed, .samNotAuthorised,
        .findFailed, .selectFailed,
    ]

    private static let table: [UInt8: (Kind, String, String)] = [
        0x90: (.success, "操作成功", "success"),
        0x91: (.empty, "证/卡中此项无内容", "item empty on card"),
        0x9F: (.success, "寻找证/卡成功", "card found"),
        0x10: (.hostError, "接收业务终端数据的校验和错", "checksum error in host frame"),
        0x11: (.hostError, "接收业务终端数据的长度错", "length error in host frame"),
        0x21: (.hostError, "接收业务终端的命令错误", "command error"),
        0x23: (.samFault, "越权操作", "unauthorised operation"),
        0x24: (.unknown, "无法识别的错误", "unknown error"),
        0x31: (.retryCard, "证/卡认证机具失败", "card failed to authenticate the SAM"),
        0x32: (.retryCard, "机具认证证/卡失败", "SAM failed to authenticate the card"),
        0x33: (.retryCard, "信息验证错误", "information verification error"),
        0x40: (.retryCard, "无法识别的证/卡类型", "unknown card type"),
        0x41: (.retryCard, "读证/卡操作失败", "read failed"),
        0x47: (.retryCard, "取随机数失败", "get-challenge failed"),
        0x60: (.samFault, "SAM 自检失败，不能接收命令", "SAM self-test failed"),
        0x66: (.samFault, "SAM 没经过授权，无法使用", "SAM not authorised"),
        0x80: (.noCard, "寻找证/卡失败", "find card failed (no card)"),
        0x81: (.retryCard, "选取证/卡失败", "select card failed"),
    ]

    /// How the session should treat this status.
    public var kind: Kind { Self.table[rawValue]?.0 ?? .unknown }
    /// Chinese text for operators and pages.
    public var chineseText: String { Self.table[rawValue]?.1 ?? "未知错误（SW3=\(hex)）" }
    /// English text for logs.
    public var englishText: String { Self.table[rawValue]?.2 ?? "unknown status 0x\(hex)" }
    /// True for 90 and 9F.
    public var isSuccess: Bool { kind == .success }
    /// Two upper-case hex digits.
    public var hex: String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(rawValue >> 4)], digits[Int(rawValue & 0xF)]])
    }
    public var description: String { "SW3=\(hex) (\(englishText))" }
}
