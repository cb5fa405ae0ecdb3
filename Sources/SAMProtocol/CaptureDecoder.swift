import IDCard

/// Decodes a capture of reader traffic (raw bytes or hex text) into cards, offline.
///
/// Used by `renfang decode`. Every complete frame is classified: a card answer (`30 01` / `30 10`) becomes
/// a ``CardRead``; an appended-address answer right after a card is attached to it; host commands and other
/// answers are skipped; frames that look like card answers but do not decode, corrupt bytes and a frame cut
/// off at the end are reported with the reason.
public struct CaptureDecoder: Sendable {
    /// One finding, in capture order.
    public enum Item: Hashable, Sendable {
        /// A card (frame number of its read answer, 1-based).
        case card(frame: Int, CardRead)
        /// A frame that is not a card answer (a command, a status answer).
        case skipped(frame: Int, String)
        /// A card answer that could not be decoded.
        case undecodable(frame: Int, String)
        /// Bytes thrown away (garbage, bad checksum, bad length, cut-off frame).
        case discarded(count: Int, String)
    }

    /// Decodes `bytes` completely.
    public static func decode(_ bytes: [UInt8]) -> [Item] {
        var decoder = FrameDecoder(minimumBodySize: 2)
        var items: [Item] = []
        var pending: (frame: Int, card: CardRead)?
        var frameNumber = 0

        func flush() {
            if let p = pending { items.append(.card(frame: p.frame, p.card)) }
            pending = nil
        }

        func handle(_ event: FrameDecoder.Event) {
            switch event {
            case let .discarded(reason, count):
                items.append(.discarded(count: count, Self.describe(reason)))
            case let .frame(body):
                frameNumber += 1
                if body.count == 2 || (body.count == 3 && body[0] == 0x61) {
                    let name = CommandFrame(body: body).flatMap(SAMCommand.init(frame:))?.name ?? "unknown"
                    items.append(.skipped(frame: frameNumber, "host command \(name)"))
                    return
                }
                guard let response = ResponseFrame(body: body) else { return }
                let data = response.data
                if response.status == .ok, data.count >= 4 + CardPayload.textSize {
                    flush()
                    do {
                        let payload = try Self.parseCardPayload(data)
                        pending = (frameNumber, payload.cardRead())
                    } catch {
                        items.append(.undecodable(frame: frameNumber, error.description))
                    }
                    return
                }
                if var p = pending {
                    if response.status == .ok, data.count % AppendedAddressPayload.recordSize == 0,
                        data.count / AppendedAddressPayload.recordSize <= AppendedAddressPayload.maximumRecords
                    {
                        p.card.appendedAddresses = (try? AppendedAddressPayload.parse(data)) ?? []
                        pending = p
                        flush()
                        return
                    }
                    if response.status == .itemEmpty {
                        flush()
                        return
                    }
                }
                items.append(.skipped(frame: frameNumber, "answer \(response.status), \(data.count) data bytes"))
            }
        }

        decoder.feed(bytes)
        while let e = decoder.next() { handle(e) }
        while let e = decoder.abandonPartialFrame() {
            if case let .discarded(_, count) = e { items.append(.discarded(count: count, "frame cut off at the end of the capture")) }
            while let n = decoder.next() { handle(n) }
        }
        flush()
        return items
    }

    /// Tries the `30 01` layout, then `30 10`.
    static func parseCardPayload(_ data: [UInt8]) throws(ReaderError) -> CardPayload {
        if let p = try? CardPayload.parse(data, withFingerprint: false) { return p }
        do {
            return try CardPayload.parse(data, withFingerprint: true)
        } catch {
            // Report the plain layout's reason: it is the common one.
            _ = try CardPayload.parse(data, withFingerprint: false)
            throw error
        }
    }

    static func describe(_ reason: FrameDecoder.DiscardReason) -> String {
        switch reason {
        case .garbage: "not part of any frame"
        case let .badChecksum(expected, received):
            "bad checksum (computed \(hex(expected)), frame says \(hex(received)))"
        case let .badLength(n): "impossible frame length \(n)"
        case .abandoned: "incomplete frame"
        }
    }
}

/// Hex text such as `AA AA AA 96 69 00 03 20 01 22`, `0xAA,0xAA`, or lines of a hex dump.
public enum HexText {
    /// What is wrong with a piece of hex text.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Parses hex digits; spaces, commas, colons, `0x` prefixes and `#` comments are ignored.
    public static func parse(_ text: String) throws(ParseError) -> [UInt8] {
        var out: [UInt8] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var digits: [UInt8] = []
            var chars = Array(content.utf8)
            // Drop 0x / 0X prefixes.
            var i = 0
            var cleaned: [UInt8] = []
            while i < chars.count {
                if chars[i] == UInt8(ascii: "0"), i + 1 < chars.count, chars[i + 1] | 0x20 == UInt8(ascii: "x"),
                    i == 0 || !isHex(chars[i - 1])
                {
                    i += 2
                    continue
                }
                cleaned.append(chars[i])
                i += 1
            }
            chars = cleaned
            for c in chars {
                if isHex(c) {
                    digits.append(c)
                } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: ",")
                    || c == UInt8(ascii: ":") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "-")
                {
                    continue
                } else {
                    throw ParseError(line: lineNumber, reason: "unexpected character '\(Character(Unicode.Scalar(c)))'")
                }
            }
            guard digits.count % 2 == 0 else {
                throw ParseError(line: lineNumber, reason: "odd number of hex digits")
            }
            var k = 0
            while k < digits.count {
                out.append(value(digits[k]) << 4 | value(digits[k + 1]))
                k += 2
            }
        }
        return out
    }

    /// Upper-case hex with a space between bytes.
    public static func format<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        bytes.map(hex).joined(separator: " ")
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66)
    }

    private static func value(_ c: UInt8) -> UInt8 {
        c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10
    }
}

func hex(_ b: UInt8) -> String {
    let d = Array("0123456789ABCDEF")
    return String([d[Int(b >> 4)], d[Int(b & 0xF)]])
}
