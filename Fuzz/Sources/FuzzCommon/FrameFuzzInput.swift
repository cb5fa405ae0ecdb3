import SAMProtocol

/// How FuzzFrameDecoder reads its input, so that the decoder's settings and the chunking are fuzzed too:
///
///     byte 0        configuration
///                     bit 0     minimumBodySize: 0 → 2 (host → SAM), 1 → 3 (SAM → host)
///                     bits 1–2  maximumBodySize: 0 → Frame.maximumBodySize, 1 → 2313 (largest real
///                               answer), 2 → 300, 3 → 16 (tiny, so that the bad-length path is hit often)
///                     bit 3     also run a pass that calls abandonPartialFrame() after some chunks
///     byte 1        k = number of chunk-size bytes (taken modulo 16)
///     bytes 2…1+k   chunk sizes, used in turn (0 = an empty feed); k = 0 means one byte at a time
///     the rest      the byte stream fed to the decoder
///
/// Missing parts default to zero, so every input is valid.
public struct FrameFuzzInput: Sendable, Hashable {
    public var configuration: UInt8
    public var chunkSizes: [UInt8]
    public var stream: [UInt8]

    public init(configuration: UInt8, chunkSizes: [UInt8], stream: [UInt8]) {
        self.configuration = configuration
        self.chunkSizes = chunkSizes
        self.stream = stream
    }

    public init(_ bytes: UnsafeRawBufferPointer) {
        configuration = bytes.count > 0 ? bytes[0] : 0
        let k = bytes.count > 1 ? Int(bytes[1] % 16) : 0
        let sizesEnd = min(bytes.count, 2 + k)
        chunkSizes = sizesEnd > 2 ? Array(bytes[2..<sizesEnd]) : []
        stream = sizesEnd < bytes.count ? Array(bytes[sizesEnd...]) : []
    }

    /// The input file for these parts (for seeds and reproducers).
    public var bytes: [UInt8] {
        precondition(chunkSizes.count < 16)
        return [configuration, UInt8(chunkSizes.count)] + chunkSizes + stream
    }

    public var minimumBodySize: Int { configuration & 1 == 0 ? 2 : 3 }

    public var maximumBodySize: Int {
        switch (configuration >> 1) & 3 {
        case 0: Frame.maximumBodySize
        case 1: 2313
        case 2: 300
        default: 16
        }
    }

    public var abandonPass: Bool { configuration & 8 != 0 }

    /// The stream cut into chunks of the given sizes, in turn; one byte at a time when there are none.
    public var chunks: [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        var k = 0
        let sizes = chunkSizes.isEmpty ? [1] : chunkSizes
        var emptyInARow = 0
        while i < stream.count {
            let n = Int(sizes[k % sizes.count])
            k += 1
            let end = min(stream.count, i + n)
            out.append(stream[i..<end])
            i = end
            // All-zero sizes would never make progress: after a full round of empty feeds, take one byte.
            emptyInARow = n == 0 ? emptyInARow + 1 : 0
            if emptyInARow >= sizes.count, i < stream.count {
                out.append(stream[i..<(i + 1)])
                i += 1
                emptyInARow = 0
            }
        }
        return out
    }
}
