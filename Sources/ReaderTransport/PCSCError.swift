import CPCSCLite
import Foundation
import SAMProtocol

/// A failed pcsc-lite call: which function, its return code and pcsc-lite's own text for it
/// (`pcsc_stringify_error`).
///
/// ``readerError(device:)`` maps it to a ``ReaderError``; ``isNoService`` tells the monitor that the PC/SC
/// service (pcscd) is not running or went away, so it should re-establish its context with backoff.
public struct PCSCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pcsc-lite function that failed, e.g. `SCardEstablishContext`.
    public var function: String
    /// The pcsc-lite return code (`LONG`), e.g. `0x8010001D`.
    public var code: Int
    /// pcsc-lite's text for ``code`` (`pcsc_stringify_error`), e.g. `Service not available.`.
    public var text: String

    /// An error for `code` returned by `function`, with pcsc-lite's text for it.
    public init(function: String, code: Int) {
        self.function = function
        self.code = code
        self.text = PCSCError.stringify(code)
    }

    // pcsc-lite return codes (pcsclite.h; LONG is 64-bit on Linux, so these are positive).
    static let success = 0
    static let cancelled = 0x8010_0002
    static let invalidHandle = 0x8010_0003
    static let insufficientBuffer = 0x8010_0008
    static let unknownReader = 0x8010_0009
    static let timeout = 0x8010_000A
    static let sharingViolation = 0x8010_000B
    static let noSmartcard = 0x8010_000C
    static let protoMismatch = 0x8010_000F
    static let commError = 0x8010_0013
    static let notTransacted = 0x8010_0016
    static let readerUnavailable = 0x8010_0017
    static let noService = 0x8010_001D
    static let serviceStopped = 0x8010_001E
    static let noReadersAvailable = 0x8010_002E
    static let unsupportedCard = 0x8010_0065
    static let unresponsiveCard = 0x8010_0066
    static let unpoweredCard = 0x8010_0067
    static let resetCard = 0x8010_0068
    static let removedCard = 0x8010_0069

    /// `0x8010001D`: eight upper-case hex digits.
    public var hexCode: String {
        let s = String(UInt32(truncatingIfNeeded: code), radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
    }

    /// True when the PC/SC service is not running or has gone away (`SCARD_E_NO_SERVICE`,
    /// `SCARD_E_SERVICE_STOPPED`, `SCARD_F_COMM_ERROR`, or an `SCARD_E_INVALID_HANDLE` for a context the
    /// restarted daemon no longer knows): the caller should release its context and establish a new one.
    public var isNoService: Bool {
        code == Self.noService || code == Self.serviceStopped || code == Self.commError || code == Self.invalidHandle
    }

    /// True when the card left (or stopped answering) during the transaction: ask the person to place it again.
    public var isCardGone: Bool {
        [Self.removedCard, Self.resetCard, Self.noSmartcard, Self.notTransacted, Self.unresponsiveCard,
         Self.unpoweredCard, Self.unsupportedCard, Self.protoMismatch].contains(code)
    }

    /// True when the reader itself has gone (`SCARD_E_UNKNOWN_READER`, `SCARD_E_READER_UNAVAILABLE`).
    public var isReaderGone: Bool {
        code == Self.unknownReader || code == Self.readerUnavailable
    }

    /// `SCardConnect: 0x8010000C No smart card inserted.` — what goes into a ``ReaderError``'s reason.
    public var description: String { "\(function): \(hexCode) \(text)" }

    /// The ``ReaderError`` for this failure on `device` (`pcsc` for the service itself, `pcsc:NAME` for a
    /// reader): service not reachable → ``ReaderError/cannotOpen(device:reason:)`` (or
    /// ``ReaderError/deviceGone(device:reason:)`` when `wasConnected`), reader gone → `deviceGone`,
    /// anything else → ``ReaderError/io(device:reason:)``. The reason holds the code and pcsc-lite's text.
    public func readerError(device: String, wasConnected: Bool = false) -> ReaderError {
        if isNoService {
            return wasConnected ? .deviceGone(device: device, reason: description) : .cannotOpen(device: device, reason: description)
        }
        if isReaderGone { return .deviceGone(device: device, reason: description) }
        return .io(device: device, reason: description)
    }

    /// `pcsc_stringify_error` keeps its text in a static buffer in some pcsc-lite versions: serialise.
    private static let stringifyLock = NSLock()

    static func stringify(_ code: Int) -> String {
        stringifyLock.lock()
        defer { stringifyLock.unlock() }
        guard let p = pcsc_stringify_error(LONG(code)) else { return "unknown error" }
        return String(cString: p)
    }
}
