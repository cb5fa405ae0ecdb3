/// Folding of names and queries for matching: ASCII letters lower-cased, full-width ASCII (typed with a
/// Chinese input method in full-width mode) and the ideographic space folded to ASCII, outer whitespace
/// trimmed. Everything else is kept as typed.
enum SearchText {
    static func fold(_ text: String) -> [UInt8] {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            if value == 0x3000 { value = 0x20 }
            if (0x41...0x5A).contains(value) { value += 0x20 }
            scalars.append(Unicode.Scalar(value) ?? scalar)
        }
        let folded = Array(String(scalars).utf8)
        guard let first = folded.firstIndex(where: { !isSpace($0) }),
              let last = folded.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return Array(folded[first...last])
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isASCIIAlphanumeric(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
    }

    static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && bytes.starts(with: prefix)
    }

    /// Substring search on UTF-8 bytes: valid because UTF-8 is self-synchronising, so a match of a valid
    /// UTF-8 needle never starts or ends inside another character.
    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard bytes.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let end = bytes.count - needle.count
        while i <= end {
            if bytes[i] == first {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
