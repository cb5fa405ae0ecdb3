/// Everything that can go wrong between the host and a reader, with a stable code and a human message.
///
/// ``isRetryByPerson`` separates "ask the person to place the card again" (the card moved away, a read
/// failed) from device and protocol faults that an operator has to look at.
public enum ReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The SAM answered a command with a failure status.
    case status(command: String, SAMStatus, sw1: UInt8, sw2: UInt8)
    /// No complete answer to `command` within its timeout, after every retry.
    case timeout(command: String, attempts: Int)
    /// An answer whose data does not have the shape the command defines.
    case malformedPayload(String)
    /// The device could not be opened (missing, permission, busy).
    case cannotOpen(device: String, reason: String)
    /// The device went away (unplugged: POLLHUP, EIO, ENODEV).
    case deviceGone(device: String, reason: String)
    /// Any other I/O failure.
    case io(device: String, reason: String)
    /// A device name that cannot be parsed, or a kind this build does not support.
    case badDeviceName(String)

    /// Stable machine code, e.g. `reader.status.41`, `reader.timeout`.
    public var code: String {
        switch self {
        case let .status(_, s, _, _): "reader.status.\(s.hex)"
        case .timeout: "reader.timeout"
        case .malformedPayload: "reader.malformedPayload"
        case .cannotOpen: "reader.cannotOpen"
        case .deviceGone: "reader.deviceGone"
        case .io: "reader.io"
        case .badDeviceName: "reader.badDeviceName"
        }
    }

    /// True when the person at the reader should simply place the card again.
    public var isRetryByPerson: Bool {
        if case let .status(_, s, _, _) = self { return s.kind == .retryCard }
        return false
    }

    /// Chinese text for operators and pages (no personal data).
    public var chineseMessage: String {
        switch self {
        case let .status(_, s, _, _):
            s.kind == .retryCard ? "\(s.chineseText)，请将证件重新放置在读卡区" : "读卡器报告：\(s.chineseText)"
        case .timeout: "读卡器无应答"
        case .malformedPayload: "读卡器返回的数据格式错误"
        case let .cannotOpen(device, reason): "无法打开读卡器 \(device)：\(reason)"
        case let .deviceGone(device, _): "读卡器 \(device) 已断开"
        case let .io(device, reason): "读卡器 \(device) 通信错误：\(reason)"
        case let .badDeviceName(name): "读卡器名称无效：\(name)"
        }
    }

    /// English text for logs.
    public var description: String {
        switch self {
        case let .status(command, s, sw1, sw2):
            "\(command) failed: \(s) SW1 SW2=\(hexByte(sw1))\(hexByte(sw2))"
        case let .timeout(command, attempts): "\(command): no answer after \(attempts) attempt(s)"
        case let .malformedPayload(why): "malformed payload: \(why)"
        case let .cannotOpen(device, reason): "cannot open \(device): \(reason)"
        case let .deviceGone(device, reason): "\(device) gone: \(reason)"
        case let .io(device, reason): "\(device) I/O error: \(reason)"
        case let .badDeviceName(name): "bad device name \(name)"
        }
    }
}

private func hexByte(_ b: UInt8) -> String {
    let d = Array("0123456789ABCDEF")
    return String([d[Int(b >> 4)], d[Int(b & 0xF)]])
}
