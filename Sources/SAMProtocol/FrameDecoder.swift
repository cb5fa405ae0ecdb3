/// Incremental GA 467 frame decoder.
///
/// Feed it bytes in any chunking — one at a time, all at once, split anywhere — and pull events with
/// ``next()``. It skips garbage before a preamble, and rejects a frame with a bad checksum or an absurd
/// length by dropping only that frame's first byte and scanning again, so a real frame hidden behind a
/// broken one is still found (it never loses sync). After ``next()`` returns nil the buffer holds at most
/// one incomplete frame (``maximumBufferedBytes``).
public struct FrameDecoder: Sendable {
    /// Why bytes were thrown away.
    public enum DiscardReason: Hashable, Sendable {
        /// Bytes that are not the start of any frame.
        case garbage
        /// A frame whose XOR checksum did not match.
        case badChecksum(expected: UInt8, received: UInt8)
        /// A frame whose length field is below the minimum or above the maximum body size.
        case badLength(Int)
        /// An incomplete frame given up by ``abandonPartialFrame()`` (for example after a timeout).
        case abandoned
    }

    /// What the decoder produced.
    public enum Event: Hashable, Sendable {
        /// A complete frame's body (without preamble, length and checksum).
        case frame([UInt8])
        /// `count` bytes were dropped for `reason`.
        case discarded(DiscardReason, count: Int)
    }

    public let minimumBodySize: Int
    public let maximumBodySize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var pendingDiscard: (reason: DiscardReason, count: Int)?

    /// - Parameters:
    ///   - minimumBodySize: smallest acceptable body (2 for host → SAM `CMD PARA`, 3 for `SW1 SW2 SW3`).
    ///   - maximumBodySize: largest acceptable body; a length field above it is treated as corruption.
    public init(minimumBodySize: Int = 2, maximumBodySize: Int = Frame.maximumBodySize) {
        precondition(minimumBodySize >= 0 && maximumBodySize >= minimumBodySize && maximumBodySize < 0xFFFF)
        self.minimumBodySize = minimumBodySize
        self.maximumBodySize = maximumBodySize
    }

    /// The most bytes held once ``next()`` has returned nil: one frame minus its last byte.
    public var maximumBufferedBytes: Int { Frame.headerSize + maximumBodySize }

    /// Bytes received but not yet turned into events.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Appends received bytes. Call ``next()`` until it returns nil after each feed.
    public mutating func feed<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Feeds `bytes` and returns every event they complete.
    public mutating func decode<S: Sequence>(_ bytes: S) -> [Event] where S.Element == UInt8 {
        feed(bytes)
        var events: [Event] = []
        while let e = next() { events.append(e) }
        return events
    }

    /// Drops everything buffered (for a transport that was closed and reopened).
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        start = 0
        pendingDiscard = nil
    }

    /// Gives up on a frame whose header arrived but whose rest never did (a torn frame): drops its first
    /// byte so that the bytes behind it are scanned again. Returns the event describing what was dropped,
    /// or nil when nothing was pending. Call ``next()`` afterwards: a complete frame may be found inside.
    public mutating func abandonPartialFrame() -> Event? {
        guard bufferedByteCount > 0 else { return nil }
        // Everything left is either garbage or an incomplete frame; drop its first byte and rescan.
        start += 1
        var count = 1
        while start < buffer.count, !preambleCouldStart(at: start) {
            start += 1
            count += 1
        }
        return .discarded(.abandoned, count: count)
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() -> Event? {
        while true {
            // 1. Skip to a (possible) preamble.
            var skipped = 0
            while start < buffer.count, !preambleCouldStart(at: start) {
                start += 1
                skipped += 1
            }
            if skipped > 0 {
                if let p = pendingDiscard {
                    pendingDiscard = nil
                    return .discarded(p.reason, count: p.count + skipped)
                }
                return .discarded(.garbage, count: skipped)
            }
            if let p = pendingDiscard {
                pendingDiscard = nil
                return .discarded(p.reason, count: p.count)
            }
            let available = buffer.count - start
            guard available >= Frame.headerSize else { return nil }

            // 2. Length.
            let length = Int(buffer[start + 5]) << 8 | Int(buffer[start + 6])
            let bodySize = length - 1
            if bodySize < minimumBodySize || bodySize > maximumBodySize {
                start += 1
                pendingDiscard = (.badLength(length), 1)
                continue
            }
            let total = Frame.headerSize + length
            guard available >= total else { return nil }

            // 3. Checksum.
            let received = buffer[start + total - 1]
            let expected = buffer.withUnsafeBufferPointer { p -> UInt8 in
                var x: UInt8 = 0
                var i = start + 5
                let end = start + total - 1
                while i < end {
                    x ^= p[i]
                    i += 1
                }
                return x
            }
            if expected != received {
                start += 1
                pendingDiscard = (.badChecksum(expected: expected, received: received), 1)
                continue
            }
            let body = Array(buffer[(start + Frame.headerSize)..<(start + total - 1)])
            start += total
            if start == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            return .frame(body)
        }
    }

    /// True when the bytes from `i` match the preamble as far as they go.
    @inline(__always)
    private func preambleCouldStart(at i: Int) -> Bool {
        let n = min(Frame.preamble.count, buffer.count - i)
        var k = 0
        while k < n {
            if buffer[i + k] != Frame.preamble[k] { return false }
            k += 1
        }
        return true
    }
}
