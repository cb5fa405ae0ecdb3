/// GA 467 framing shared by both directions.
///
/// A frame is `AA AA AA 96 69` · length (2 bytes, big-endian: the number of bytes after the length field,
/// checksum included) · body · checksum. The checksum is the XOR of every byte from the first length byte to
/// the last body byte. Host → SAM bodies start with `CMD PARA`; SAM → host bodies start with `SW1 SW2 SW3`.
public enum Frame {
    /// The five preamble bytes that open every frame.
    public static let preamble: [UInt8] = [0xAA, 0xAA, 0xAA, 0x96, 0x69]
    /// Bytes before the body: preamble plus the 2-byte length.
    public static let headerSize = 7
    /// The largest body any command of domain.md §1 produces: `30 10` with two fingerprint templates
    /// (3 status + 6 lengths + 256 text + 1024 photo + 1024 fingerprints = 2313), rounded up with headroom.
    public static let maximumBodySize = 4096

    /// XOR of `bytes`.
    @inlinable
    public static func checksum<C: Collection>(_ bytes: C) -> UInt8 where C.Element == UInt8 {
        var x: UInt8 = 0
        for b in bytes { x ^= b }
        return x
    }

    /// Encodes a body into a complete frame (preamble, length, body, checksum).
    public static func encode(body: [UInt8]) -> [UInt8] {
        let length = body.count + 1
        precondition(length <= 0xFFFF, "GA 467 frame body too long")
        var out = preamble
        out.reserveCapacity(headerSize + length)
        let hi = UInt8(truncatingIfNeeded: length >> 8), lo = UInt8(truncatingIfNeeded: length)
        out.append(hi)
        out.append(lo)
        out.append(contentsOf: body)
        out.append(hi ^ lo ^ checksum(body))
        return out
    }
}

/// A host → SAM frame: `CMD PARA data`.
public struct CommandFrame: Hashable, Sendable {
    public var command: UInt8
    public var parameter: UInt8
    public var data: [UInt8]

    public init(command: UInt8, parameter: UInt8, data: [UInt8] = []) {
        self.command = command
        self.parameter = parameter
        self.data = data
    }

    /// Parses a decoded body; nil when it is shorter than `CMD PARA`.
    public init?(body: [UInt8]) {
        guard body.count >= 2 else { return nil }
        self.init(command: body[0], parameter: body[1], data: Array(body[2...]))
    }

    /// The body bytes (`CMD PARA data`).
    public var body: [UInt8] { [command, parameter] + data }

    /// The complete frame on the wire.
    public func encoded() -> [UInt8] { Frame.encode(body: body) }
}

/// A SAM → host frame: `SW1 SW2 SW3 data`.
public struct ResponseFrame: Hashable, Sendable {
    /// SW1 and SW2 carry the card's own status on card-side failures, else `00 00`.
    public var sw1: UInt8
    public var sw2: UInt8
    /// SW3: the SAM's status.
    public var status: SAMStatus
    public var data: [UInt8]

    public init(sw1: UInt8 = 0, sw2: UInt8 = 0, status: SAMStatus, data: [UInt8] = []) {
        self.sw1 = sw1
        self.sw2 = sw2
        self.status = status
        self.data = data
    }

    /// Parses a decoded body; nil when it is shorter than `SW1 SW2 SW3`.
    public init?(body: [UInt8]) {
        guard body.count >= 3 else { return nil }
        self.init(sw1: body[0], sw2: body[1], status: SAMStatus(rawValue: body[2]), data: Array(body[3...]))
    }

    /// The body bytes (`SW1 SW2 SW3 data`).
    public var body: [UInt8] { [sw1, sw2, status.rawValue] + data }

    /// The complete frame on the wire.
    public func encoded() -> [UInt8] { Frame.encode(body: body) }
}
